/**
 * How often clients ask, and how it went: one sample per config request (protocol × outcome ×
 * client family, and its duration), handed to a recorder. The Node server's recorder is Prometheus
 * (src/node/metrics.ts, served on GET /metrics); on Workers an Analytics Engine binding (`METRICS`)
 * gets one data point per request. Labels come from fixed lists only: never an address, a local
 * part, a domain or a header value (README "Metrics").
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { bearerToken, tokensMatch } from './bearer-token'
import type { ClientFamily } from './client-family'
import { ConfigurationError } from './config-error'
import type { AppEnv } from './env'
import type { Failure } from './failures'
import type { Logger } from './log'

/** The protocol a route serves (POX and mobilesync share a URL; mobilesync is told by its body). */
export type MetricsProtocol = 'autoconfig' | 'autodiscover' | 'mobilesync' | 'autodiscover_json' | 'mobileconfig' | 'dav' | 'pacc' | 'landing'

export type MetricsOutcome = 'ok' | 'unknown_domain' | 'bad_request' | 'unavailable'

export interface RequestSample {
  readonly protocol: MetricsProtocol
  readonly outcome: MetricsOutcome
  readonly clientFamily: ClientFamily
  readonly durationMs: number
}

export interface MetricsRecorder {
  /** Must not throw, and must not wait: it runs before the answer leaves. */
  record(sample: RequestSample): void
}

/** What GET /metrics serves, where the runtime keeps counters (the Node server). */
export interface MetricsExposition {
  readonly contentType: string
  text(): Promise<string>
}

/** Marks a route's requests as `protocol`'s: a per-route middleware, so no other route is counted. */
export const countAs = (protocol: MetricsProtocol) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set('protocol', protocol)
    await next()
  })

const OUTCOME_OF_FAILURE: Record<Failure['kind'], MetricsOutcome> = { 'bad-request': 'bad_request', 'unknown-domain': 'unknown_domain', unavailable: 'unavailable' }

/**
 * A failure the protocol router answered says what happened; otherwise the status does: answers
 * outside the routers' failures (a 413 body, a domain without the server a profile needs, a 500)
 * count as bad requests (4xx), unknown domains (404) or unavailable (5xx). Autodiscover's error
 * documents travel with HTTP 200 and count by their failure, when they have one.
 */
export function outcomeOf(failure: Failure['kind'] | undefined, status: number): MetricsOutcome {
  if (failure !== undefined) return OUTCOME_OF_FAILURE[failure]
  if (status >= 500) return 'unavailable'
  if (status === 404) return 'unknown_domain'
  if (status >= 400) return 'bad_request'
  return 'ok'
}

/** Where the isolate has said once that its Analytics Engine writes fail. */
let analyticsWarned = false

/**
 * One Analytics Engine data point per request: blobs protocol, outcome, client family; double the
 * duration in ms; the protocol as the sampling index. writeDataPoint neither waits nor reports
 * delivery; should it throw (a misconfigured binding), the request is answered all the same and
 * the log says so once per isolate.
 */
export function analyticsEngineRecorder(dataset: AnalyticsEngineDataset, log: Logger): MetricsRecorder {
  return {
    record({ protocol, outcome, clientFamily, durationMs }) {
      try {
        dataset.writeDataPoint({ indexes: [protocol], blobs: [protocol, outcome, clientFamily], doubles: [durationMs] })
      } catch (error) {
        if (analyticsWarned) return
        analyticsWarned = true
        log.log('warn', 'metrics: the Analytics Engine binding METRICS refused a data point', { cause: error instanceof Error ? error.message : String(error) })
      }
    },
  }
}

/** Long enough not to be guessed; the same floor as ADMIN_TOKEN. */
export const MIN_METRICS_TOKEN_LENGTH = 16

/**
 * GET /metrics: 404 unless the runtime keeps counters and METRICS_TOKEN is set (so scrapers learn
 * nothing where there is nothing), 401 without `Authorization: Bearer <METRICS_TOKEN>`.
 */
export async function serveMetrics(c: Context<AppEnv>, exposition: MetricsExposition | undefined): Promise<Response> {
  const expected = c.env.METRICS_TOKEN
  if (!exposition || !expected) return c.text('not found', 404)
  if (expected.length < MIN_METRICS_TOKEN_LENGTH) throw new ConfigurationError(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`)
  const given = bearerToken(c.req.header('authorization'))
  if (given === null || !(await tokensMatch(given, expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="mailconf metrics"')
    return c.text('missing or wrong metrics token (send Authorization: Bearer <METRICS_TOKEN>)', 401)
  }
  return c.body(await exposition.text(), 200, { 'Content-Type': exposition.contentType, 'Cache-Control': 'no-store' })
}
