/**
 * What is kept of each request once it is answered: one log line and, for config requests, one
 * metrics sample. Only the path is logged: query strings carry addresses (local parts), and headers
 * and bodies can carry passwords (Autodiscover Basic auth). Metrics labels come from fixed lists only
 * (app/metrics.ts). Written once here for both ways a request is answered: through the app
 * (create-app.ts) and from the warm cache before it (warm-answers.ts).
 */
import type { Bindings } from './env'
import { clientFamily } from './client-family'
import type { Failure } from './failures'
import { loggablePath, type Logger } from './log'
import { analyticsEngineRecorder, outcomeOf, type MetricsProtocol, type MetricsRecorder } from './metrics'

/** An answered request, as the log line and the metrics read it. */
export interface AnsweredRequest {
  readonly method: string
  /** The path as routed (never the query). */
  readonly path: string
  /** The whole URL: the client family is told partly by the query (client-family.ts). */
  readonly url: string
  readonly userAgent: string | undefined
  readonly status: number
  readonly startedAt: number
  readonly domain: string | null
  readonly clientAddress: string | null
  /** The config protocol the route serves; undefined for every other route (not counted). */
  readonly protocol: MetricsProtocol | undefined
  readonly failure: Failure['kind'] | undefined
}

/** The runtime's recorder (Node passes its Prometheus one), else the Analytics Engine binding's when one is bound (Workers). */
export function recorderFor(runtime: MetricsRecorder | undefined, env: Bindings, log: Logger): MetricsRecorder | null {
  if (runtime) return runtime
  return env.METRICS ? analyticsEngineRecorder(env.METRICS, log) : null
}

/**
 * Whether anything is kept of a request of this protocol: the caller builds an AnsweredRequest only
 * then (this runs on every request).
 */
export function keepsRecord(log: Logger, recorder: MetricsRecorder | null, protocol: MetricsProtocol | undefined): boolean {
  return log.logs('info') || (recorder !== null && protocol !== undefined)
}

export function recordRequest(log: Logger, recorder: MetricsRecorder | null, request: AnsweredRequest): void {
  const durationMs = Date.now() - request.startedAt
  const family = clientFamily(request.userAgent, request.url)
  if (log.logs('info')) {
    log.log('info', 'request', {
      method: request.method,
      path: loggablePath(request.path),
      status: request.status,
      duration_ms: durationMs,
      domain: request.domain,
      client: request.clientAddress,
      client_family: family,
    })
  }
  if (recorder && request.protocol !== undefined) {
    recorder.record({ protocol: request.protocol, outcome: outcomeOf(request.failure, request.status), clientFamily: family, durationMs })
  }
}
