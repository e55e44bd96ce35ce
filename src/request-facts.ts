/**
 * Facts about how a request reached us that renderers and rules need: the scheme and host the
 * client used. On Workers the request URL carries both; behind a reverse proxy (self-hosted) the
 * X-Forwarded-* headers do, and only as far as the operator trusts them.
 */
import type { Context } from 'hono'
import type { AppEnv } from './env'

/** The host (with port, if any) the client addressed. */
export function requestHost(c: Context<AppEnv>): string {
  return new URL(c.req.url).host
}

/** Whether the client reached us over https. */
export function requestIsHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:'
}

/** localhost, 127.0.0.0/8 and [::1]: where plain http cannot be sniffed on the way. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').toLowerCase()
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]'
}
