/**
 * A database outage (DatabaseUnavailableError) answered in the format of the endpoint that met it:
 * 503 + Retry-After, never a stack trace. Each router installs `onDatabaseUnavailable(respond)` as
 * its `onError` with the one responder of its format (Autodiscover XML, v2 JSON, admin JSON, the
 * landing page); routers without one fall through to app.ts, which answers plain text.
 */
import type { Context, ErrorHandler } from 'hono'
import { DatabaseUnavailableError } from '../db/client'
import type { AppEnv } from './env'
import { createLogger, loggablePath } from './log'

/** How long clients are asked to wait after a 503 (database or directory), in seconds. */
export const RETRY_AFTER_SECONDS = '30'
export const RETRY_AFTER = { 'Retry-After': RETRY_AFTER_SECONDS } as const
export const DATABASE_UNAVAILABLE = 'the configuration database is unavailable; try again shortly'

/** The one log line of an outage: the path (addresses hidden) and the driver's message. */
export function logDatabaseUnavailable(c: Context<AppEnv>, error: DatabaseUnavailableError): void {
  createLogger(c.env.LOG_LEVEL).log('error', 'database unavailable', { path: loggablePath(c.req.path), cause: error.message })
}

/**
 * A sub-app error handler: a database outage gets `respond(c)`, which must answer 503 with
 * Retry-After; any other error is rethrown to the app's handler (app.ts).
 */
export function onDatabaseUnavailable(respond: (c: Context<AppEnv>) => Response | Promise<Response>): ErrorHandler<AppEnv> {
  return async (error, c) => {
    if (!(error instanceof DatabaseUnavailableError)) throw error
    logDatabaseUnavailable(c, error)
    return respond(c)
  }
}

/** The admin API and /initdb/ speak JSON: `{ "error": … }` like every other admin error. */
export const unavailableAsJson = onDatabaseUnavailable((c) => c.json({ error: DATABASE_UNAVAILABLE }, 503, RETRY_AFTER))
