/**
 * Rate limiting of the admin surface with the Workers rate-limit binding `ADMIN_RATE_LIMITER`
 * (`[[ratelimits]]` in wrangler.toml), keyed by the client address: a token brute force from one
 * address is cut to the configured number of attempts per period. Without the binding (the Node
 * entry, a Worker that does not configure it) requests pass; see SECURITY.md for the alternatives.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app/env'

// The binding's period is 10 or 60 s and is not visible to the code: the longer one is announced.
const RETRY_AFTER_SECONDS = '60'

/** A 429 response when this client has used up its admin requests, else null (go on). */
export async function checkAdminRate(c: Context<AppEnv>): Promise<Response | null> {
  const limiter = c.env.ADMIN_RATE_LIMITER
  if (!limiter) return null
  // Without a known address (no CF-Connecting-IP, no trusted proxy) all such clients share a key.
  const key = `admin:${c.var.facts?.clientAddress ?? 'unknown'}`
  let success: boolean
  try {
    ;({ success } = await limiter.limit({ key }))
  } catch (error) {
    // The limiter is a safeguard in front of the token check, not the lock itself: when it cannot
    // answer, the request goes on to the constant-time token comparison rather than failing.
    c.var.log.log('warn', 'admin rate limiter unavailable', { cause: error instanceof Error ? error.message : String(error) })
    return null
  }
  if (success) return null
  return c.json({ error: `too many admin requests from this address; try again in ${RETRY_AFTER_SECONDS} seconds` }, 429, {
    'Retry-After': RETRY_AFTER_SECONDS,
  })
}
