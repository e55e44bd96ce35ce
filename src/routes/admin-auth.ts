/**
 * Guard for the admin routes: `Authorization: Bearer <ADMIN_TOKEN>`, nothing else (never a query
 * parameter, which would end up in access logs), after the rate limit when one is configured.
 */
import { createMiddleware } from 'hono/factory'
import { bearerToken, tokensMatch } from '../admin-token'
import type { AppEnv } from '../env'
import { checkAdminRate } from './admin-rate-limit'

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN
  // No token configured: the admin surface does not exist (as if the routes were not deployed).
  if (!expected) return c.text('not found', 404)
  // Before the token check, so that wrong guesses count too.
  const limited = await checkAdminRate(c)
  if (limited) return limited
  const given = bearerToken(c.req.header('authorization'))
  if (given === null || !(await tokensMatch(given, expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="mailconf admin"')
    return c.json({ error: 'missing or wrong admin token (send Authorization: Bearer <ADMIN_TOKEN>)' }, 401)
  }
  await next()
})
