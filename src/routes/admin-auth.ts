/** Guard for the admin routes: `Authorization: Bearer <ADMIN_TOKEN>`, nothing else. */
import { createMiddleware } from 'hono/factory'
import { bearerToken, tokensMatch } from '../admin-token'
import type { AppEnv } from '../env'

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN
  // No token configured: the admin surface does not exist (as if the routes were not deployed).
  if (!expected) return c.text('not found', 404)
  const given = bearerToken(c.req.header('authorization'))
  if (given === null || !(await tokensMatch(given, expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="mailconf admin"')
    return c.json({ error: 'missing or wrong admin token (send Authorization: Bearer <ADMIN_TOKEN>)' }, 401)
  }
  await next()
})
