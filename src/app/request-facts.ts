/**
 * Facts about how a request reached us that renderers and rules need: the scheme and host the
 * client used, and the client's address (for the log). On Workers the request URL and Cloudflare's
 * CF-Connecting-IP carry them; behind reverse proxies (self-hosted) the X-Forwarded-* headers do,
 * and only as far as the operator trusts them: `PROXY_COUNT` (automx2's `proxy_count`) hops.
 *
 * Each trusted proxy appends what it saw to X-Forwarded-For (NGINX `$proxy_add_x_forwarded_for`),
 * so with N trusted hops the client is the N-th entry from the right; entries left of it were
 * written by the client and are ignored. X-Forwarded-Proto and -Host are read the same way, which
 * also fits a single proxy that overwrites them (one value, N = 1). A header with fewer entries
 * than trusted hops is ignored as a whole: a proxy is missing or misconfigured, and the header
 * could then only have come from the client. (Werkzeug's ProxyFix, which automx2 uses, does the same.)
 */
import type { Context } from 'hono'
import type { AppEnv } from './env'
import { stripPort } from '../core/address'
import { fail, ok, type Result } from '../core/result'

export interface RequestFacts {
  /** The host (with port, if any) the client addressed. */
  readonly host: string
  /**
   * Whether `host` is a DNS name or an address literal (with an optional port). It goes into URLs
   * (the Autodiscover redirect, the v2 answer, the landing page's links), and an HTTP server may
   * pass on any Host header that a URL parser accepts, such as `a"b{c}.example`.
   */
  readonly hostIsValid: boolean
  /** The same host without its port. */
  readonly hostname: string
  /** Whether the client reached the first (trusted) hop over https. */
  readonly https: boolean
  /** The client's IP address, when known. */
  readonly clientAddress: string | null
}

export interface ConnectionFacts {
  /** The request URL as this server saw it: scheme and host of the last hop. */
  readonly url: string
  /** The address of the TCP peer (the last proxy, or the client itself), when known. */
  readonly peer: string | null
  readonly forwardedFor?: string | undefined
  readonly forwardedProto?: string | undefined
  readonly forwardedHost?: string | undefined
}

const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/
// A name's labels (underscores too: some internal names have them; a trailing dot is the root), or an
// IPv6 literal, each with an optional port.
const HOST = /^([A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/

/** `PROXY_COUNT`: unset or empty = 0; otherwise a whole number from 0 to 10. */
export function parseProxyCount(value: string | undefined): Result<number, 'invalid'> {
  const text = value?.trim() ?? ''
  if (text === '') return ok(0)
  if (!/^\d{1,2}$/.test(text) || Number(text) > 10) return fail('invalid')
  return ok(Number(text))
}

/** The entry a trusted hop wrote: the `hops`-th from the right, or null when not trusted/present. */
function trustedEntry(header: string | undefined, hops: number): string | null {
  if (hops === 0 || header === undefined) return null
  const entries = header.split(',').map((entry) => entry.trim())
  if (entries.length < hops) return null
  const entry = entries[entries.length - hops]
  return entry ? entry : null
}

export function resolveRequestFacts(connection: ConnectionFacts, trustedHops: number): RequestFacts {
  const url = new URL(connection.url)
  const proto = trustedEntry(connection.forwardedProto, trustedHops)?.toLowerCase()
  const host = trustedEntry(connection.forwardedHost, trustedHops)
  const client = trustedEntry(connection.forwardedFor, trustedHops)
  const addressed = host !== null && HOST.test(host) ? host.toLowerCase() : url.host
  return {
    host: addressed,
    hostIsValid: HOST.test(addressed),
    hostname: stripPort(addressed),
    https: proto === 'https' || proto === 'http' ? proto === 'https' : url.protocol === 'https:',
    clientAddress: client !== null && ADDRESS.test(client) ? client : connection.peer,
  }
}

/**
 * What every request gets before it is routed, read the same way by the app's setup middleware and
 * by the warm answers (warm-answers.ts): `PROXY_COUNT` applied to the X-Forwarded-* headers. Null
 * when `PROXY_COUNT` is not valid (the operator's mistake, answered by the app). The caller answers a
 * Host that is not valid (`hostIsValid`).
 */
export function requestFactsFor(
  url: string,
  peer: string | null,
  header: (name: string) => string | undefined,
  proxyCountSetting: string | undefined,
): RequestFacts | null {
  const hops = parseProxyCount(proxyCountSetting)
  if (!hops.ok) return null
  return resolveRequestFacts(
    { url, peer, forwardedFor: header('x-forwarded-for'), forwardedProto: header('x-forwarded-proto'), forwardedHost: header('x-forwarded-host') },
    hops.value,
  )
}

/** The facts of a request, as the app's setup middleware resolved them (trust 0 before it ran). */
export function requestFacts(c: Context<AppEnv>): RequestFacts {
  return c.var.facts ?? resolveRequestFacts({ url: c.req.url, peer: null }, 0)
}

/** The host (with port, if any) the client addressed. */
export function requestHost(c: Context<AppEnv>): string {
  return requestFacts(c).host
}

/** The host name the client addressed, without a port. */
export function requestHostname(c: Context<AppEnv>): string {
  return requestFacts(c).hostname
}

/** Whether the client reached us over https. */
export function requestIsHttps(c: Context<AppEnv>): boolean {
  return requestFacts(c).https
}

/** localhost, 127.0.0.0/8 and [::1], with or without a port: where plain http cannot be sniffed on the way. */
export function isLoopbackHost(host: string): boolean {
  const name = stripPort(host).toLowerCase()
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]'
}
