/** The Hono app: per-request database handle, request log line, routes, error mapping. */
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { createD1Db, DatabaseUnavailableError } from './db/client'
import { pingDatabase } from './db/queries'
import type { AppEnv } from './env'
import { createFindUser } from './ldap'
import { parseLdapTimeout, readStringBinding } from './ldap-config'
import { createLogger, loggablePath } from './log'
import { admin } from './routes/admin'
import { adminDns } from './routes/admin-dns'
import { autoconfig } from './routes/autoconfig'
import { autodiscover } from './routes/autodiscover'
import { autodiscoverV2 } from './routes/autodiscover-v2'
import { initdb } from './routes/initdb'
import { mobileconfig } from './routes/mobileconfig'
import { site } from './routes/site'

const RETRY_AFTER_SECONDS = '30'

const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  const db = createD1Db(c.env.DB)
  c.set('db', db)
  const findUser = createFindUser({
    timeoutMs: parseLdapTimeout(c.env.LDAP_TIMEOUT_MS),
    readSecret: (name) => readStringBinding(c.env, name),
    logger: createLogger(c.env.LOG_LEVEL),
  })
  c.set('lookup', { db, findUser })
  await next()
})

// One line per request. Only the path is logged: query strings carry addresses (local parts), and
// headers and bodies can carry passwords (Autodiscover Basic auth).
const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now()
  await next()
  createLogger(c.env.LOG_LEVEL).log('info', 'request', {
    method: c.req.method,
    path: loggablePath(c.req.path),
    status: c.res.status,
    duration_ms: Date.now() - started,
    domain: c.var.domain ?? null,
  })
})

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requestLog, withDatabase)

  app.get('/healthz', async (c) => {
    try {
      await pingDatabase(c.var.db)
      return c.text('ok')
    } catch {
      return c.text('database unavailable', 503, { 'Retry-After': RETRY_AFTER_SECONDS })
    }
  })
  app.route('/', autoconfig)
  app.route('/', autodiscover)
  app.route('/', autodiscoverV2)
  app.route('/', initdb)
  app.route('/', adminDns)
  app.route('/', mobileconfig)
  app.route('/', site)
  app.route('/admin', admin)

  app.notFound((c) => c.text('not found', 404))
  app.onError((error, c) => {
    const logger = createLogger(c.env.LOG_LEVEL)
    if (error instanceof DatabaseUnavailableError) {
      logger.log('error', 'database unavailable', { path: loggablePath(c.req.path), cause: error.message })
      return c.text('the configuration database is unavailable; try again shortly', 503, {
        'Retry-After': RETRY_AFTER_SECONDS,
      })
    }
    logger.log('error', 'unhandled error', { path: loggablePath(c.req.path), error: error.name, cause: error.message })
    return c.text('internal error', 500)
  })
  return app
}
