/**
 * The failures every protocol meets — a request it cannot read, a domain nobody here serves, the
 * database or a directory being down — and the one way each protocol router answers them. A route
 * returns `fail(c, failure)`; an outage thrown anywhere below the router (core/outage.ts) reaches
 * the same responder through the router's error handler, so each protocol has exactly one place
 * that turns failures into its format, and each message below is written once.
 */
import { Hono, type Context } from 'hono'
import type { Dependency } from '../core/outage'
import { ServiceUnavailableError } from '../core/outage'
import { ValueTooLongError } from '../db/client'
import type { AppEnv } from './env'
import { loggablePath } from './log'

export type Failure =
  | { readonly kind: 'bad-request'; readonly message: string }
  | { readonly kind: 'unknown-domain'; readonly domain: string }
  | { readonly kind: 'unavailable'; readonly dependency: Dependency }

/** How long clients are asked to wait after an outage, in seconds. */
export const RETRY_AFTER = { 'Retry-After': '30' } as const

const UNAVAILABLE: Record<Dependency, string> = {
  database: 'the configuration database is unavailable; try again shortly',
  directory: 'the user directory is unavailable; try again shortly',
}

/** The message of a failure, in the service's words (formats for people may word it their own way). */
export function describeFailure(failure: Failure): string {
  switch (failure.kind) {
    case 'bad-request':
      return failure.message
    case 'unknown-domain':
      return `no mail configuration for ${failure.domain}`
    case 'unavailable':
      return UNAVAILABLE[failure.dependency]
  }
}

/** The HTTP status a failure gets where the format has no convention of its own. */
const FAILURE_STATUS = { 'bad-request': 400, 'unknown-domain': 404, unavailable: 503 } as const

export type FailureResponder = (c: Context<AppEnv>, failure: Failure) => Response | Promise<Response>

export interface ProtocolRouter<R extends Hono<AppEnv>> {
  readonly router: R
  /** Answers a failure in the protocol's format. */
  readonly fail: FailureResponder
}

/**
 * A router whose failures, returned or thrown, are all answered by `respond`. Outages are logged
 * here (a directory client logs its own, with the stage that failed); any other error goes on to
 * the app's handler, which answers a plain 500.
 */
export function protocolRouter(respond: FailureResponder): ProtocolRouter<Hono<AppEnv>>
export function protocolRouter<R extends Hono<AppEnv>>(respond: FailureResponder, router: R): ProtocolRouter<R>
export function protocolRouter(respond: FailureResponder, router: Hono<AppEnv> = new Hono<AppEnv>()): ProtocolRouter<Hono<AppEnv>> {
  // The failure is noted for the metrics' outcome (app/metrics.ts), returned or thrown alike.
  const fail: FailureResponder = (c, failure) => {
    c.set('failure', failure.kind)
    return respond(c, failure)
  }
  router.onError(async (error, c) => {
    if (error instanceof ValueTooLongError) return fail(c, { kind: 'bad-request', message: error.message })
    if (!(error instanceof ServiceUnavailableError)) throw error
    return fail(c, outage(c, error))
  })
  return { router, fail }
}

/** Logs an outage once (a directory client has logged its own, with the stage that failed) and names it. */
export function outage(c: Context<AppEnv>, error: ServiceUnavailableError): Failure {
  if (error.dependency === 'database') {
    c.var.log.log('error', 'database unavailable', { path: loggablePath(c.req.path), cause: error.message })
  }
  return { kind: 'unavailable', dependency: error.dependency }
}

/** The plain-text answer: the message, the status, Retry-After for outages. */
export function failAsText(c: Context<AppEnv>, failure: Failure, headers: Record<string, string> = {}): Response {
  const extra = failure.kind === 'unavailable' ? { ...headers, ...RETRY_AFTER } : headers
  return c.text(describeFailure(failure), FAILURE_STATUS[failure.kind], extra)
}

/** The JSON answer of the admin API and /initdb/: `{"error": message}`. */
export function failAsJson(c: Context<AppEnv>, failure: Failure): Response {
  return c.json({ error: describeFailure(failure) }, FAILURE_STATUS[failure.kind], failure.kind === 'unavailable' ? RETRY_AFTER : {})
}
