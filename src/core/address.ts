/**
 * Email address and domain parsing for untrusted input (query strings, XML bodies, Host headers).
 * Local parts stay as typed (RFC 5321 §2.4: case-sensitive); domains are lowercased and converted
 * to A-labels, the form stored in the database (docs/clients.md §5.1).
 */
import type { EmailAddress } from './model'
import { fail, ok, type Result } from './result'

export type AddressError = 'missing' | 'malformed' | 'invalid-domain'

export const ADDRESS_ERROR_MESSAGES: Record<AddressError, string> = {
  missing: 'no email address given',
  malformed: 'the email address is malformed: expected local-part@domain',
  'invalid-domain': 'the email address has an invalid domain',
}

// RFC 5321 §4.5.3.1: local part ≤ 64 octets, path ≤ 256; a domain name ≤ 253 characters.
const MAX_LOCAL_PART = 64
const MAX_DOMAIN = 253
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
// Characters that would make the WHATWG URL parser read something other than a host name.
const NOT_IN_DOMAIN = /[\s/\\?#@:[\]%<>"'`{}|^\u0000-\u001f\u007f]/u
const NOT_IN_LOCAL_PART = /[\s@<>\u0000-\u001f\u007f]/u

/**
 * Lowercases a domain and converts it to A-labels with the WHATWG URL parser (which applies IDNA),
 * then checks that the result is a host name, not an IP address.
 */
export function normaliseDomain(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, '')
  if (trimmed === '' || trimmed.length > MAX_DOMAIN * 4 || NOT_IN_DOMAIN.test(trimmed)) return null
  let hostname: string
  try {
    hostname = new URL(`http://${trimmed}/`).hostname
  } catch {
    return null
  }
  if (hostname.length > MAX_DOMAIN) return null
  const labels = hostname.split('.')
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null
  // An all-numeric last label is an IPv4 address (or would be read as one), never a mail domain.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return null
  return hostname
}

/** Parses `local@domain`, splitting at the last `@`. */
export function parseEmailAddress(input: string | null | undefined): Result<EmailAddress, AddressError> {
  if (input == null) return fail('missing')
  const trimmed = input.trim()
  if (trimmed === '') return fail('missing')
  const at = trimmed.lastIndexOf('@')
  if (at <= 0 || at === trimmed.length - 1) return fail('malformed')
  const localPart = trimmed.slice(0, at)
  if (localPart.length > MAX_LOCAL_PART || NOT_IN_LOCAL_PART.test(localPart)) return fail('malformed')
  const domain = normaliseDomain(trimmed.slice(at + 1))
  if (domain === null) return fail('invalid-domain')
  return ok({ localPart, domain, address: `${localPart}@${domain}` })
}

/**
 * Reads one query parameter from the raw query string. Unlike URLSearchParams it does not turn
 * `+` into a space: FairEmail sends `user+tag@example.com` unencoded (docs/clients.md §1.2).
 * Returns null when absent; undefined when present but not valid percent-encoding/UTF-8.
 */
export function readRawQueryParam(url: string, name: string): string | null | undefined {
  const queryStart = url.indexOf('?')
  if (queryStart < 0) return null
  const hashStart = url.indexOf('#', queryStart)
  const query = url.slice(queryStart + 1, hashStart < 0 ? undefined : hashStart)
  const wanted = name.toLowerCase()
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    if (key.toLowerCase() !== wanted) continue
    try {
      return decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1))
    } catch {
      return undefined
    }
  }
  return null
}

/** `host:port` → `host`; `[v6]:port` → `[v6]`. The one place a port is taken off a Host value. */
export function stripPort(host: string): string {
  return host.trim().replace(/:\d+$/, '')
}

const SERVICE_HOST_PREFIXES = ['autoconfig.', 'autodiscover.', 'ua-auto-config.']

/**
 * The mail domain a request is for when it names no address: `autoconfig.example.com` and
 * `example.com` (the .well-known URL) both mean example.com (docs/clients.md §1.1, §5.3), and so does
 * `ua-auto-config.example.com` (PACC, §4.7). Null for hosts that are not domains (IP addresses, localhost).
 */
export function domainFromHost(host: string | null | undefined): string | null {
  if (!host) return null
  const hostname = stripPort(host).toLowerCase()
  const prefix = SERVICE_HOST_PREFIXES.find((p) => hostname.startsWith(p))
  return normaliseDomain(prefix ? hostname.slice(prefix.length) : hostname)
}
