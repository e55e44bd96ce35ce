/**
 * Guard for the admin routes: `Authorization: Bearer <ADMIN_TOKEN>`, nothing else (never a query
 * parameter, which would end up in access logs), after the rate limit when one is configured.
 * Every admin route passes through it, so it is also where the domain cache is cleared after a write.
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { bearerToken, tokensMatch } from '../app/bearer-token'
import { adminTokenProblem } from './token'
import type { AppEnv } from '../app/env'
import { ConfigurationError } from '../app/config-error'
import { requestHostname } from '../app/request-facts'
import { domainCacheOf } from '../app/resolve'
import { checkAdminRate } from './rate-limit'

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Whether an admin request may change configuration data. automx2's `GET /initdb/` loads the sample data. */
function mayWrite(c: Context<AppEnv>): boolean {
  return !READ_METHODS.has(c.req.method) || /^\/initdb\/?$/.test(c.req.path)
}

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN
  // No token configured: the admin surface does not exist (as if the routes were not deployed).
  if (!expected) return c.text('not found', 404)
  // ADMIN_HOSTNAME pins the admin surface to one host: on every other host routed to this
  // service (autoconfig.<each customer>, a workers.dev or preview URL) it does not exist either.
  const pinned = c.env.ADMIN_HOSTNAME?.trim().toLowerCase()
  if (pinned && requestHostname(c) !== pinned) return c.text('not found', 404)
  const weak = adminTokenProblem(expected)
  if (weak) throw new ConfigurationError(weak)
  // Before the token check, so that wrong guesses count too.
  const limited = await checkAdminRate(c)
  if (limited) return limited
  const given = bearerToken(c.req.header('authorization'))
  if (given === null || !(await tokensMatch(given, expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="mailconf admin"')
    return c.json({ error: 'missing or wrong admin token (send Authorization: Bearer <ADMIN_TOKEN>)' }, 401)
  }
  // One session for the whole request, starting on the primary: reads after a write see it
  // (db/database.ts), where config reads may come from a replica.
  const session = c.var.database.admin()
  c.set('db', session.db)
  try {
    await next()
  } finally {
    // Whatever the outcome: writes are all-or-nothing, but a failure after the commit must not
    // leave the old data cached. Only after the token check, so nobody else can empty the cache.
    // Other isolates keep their entries until the TTL ends (db/domain-cache.ts). The bookmark
    // first: a read that refills the cache after the clear then starts from this write.
    if (mayWrite(c)) {
      session.settle()
      domainCacheOf(c).clear()
    }
  }
})
