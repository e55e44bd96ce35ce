/**
 * Answers the domain cache alone can give, before the request meets the framework.
 *
 * A repeated Autoconfig request for a cached domain without a directory costs no database trip and
 * no rendering (the document is kept with the cache entry), so what is left of its cost is the
 * HTTP adaptor and the app's middleware: on the Node server, turning node:http's request into a
 * Web Request and Hono's Response back (bench/README.md, issue 18). This gives those requests the
 * same answer, log line and metrics sample without them. Anything it cannot answer exactly as the app
 * would (another method or path, a cache miss, an unknown domain, a per-user document, a bad
 * request, a Host the app refuses) is undefined, and the caller hands the request to the app.
 *
 * Each protocol owns its part (the route module's `warm…` function, next to its route); this file
 * only dispatches and keeps the record, through the same functions as the app (request-record.ts).
 */
import type { Bindings } from './env'
import type { AppOptions } from './create-app'
import type { Database } from '../db/database'
import { loggerFor, type Logger } from './log'
import type { MetricsProtocol, MetricsRecorder } from './metrics'
import { requestFactsFor, type RequestFacts } from './request-facts'
import { keepsRecord, recordRequest, recorderFor, type AnsweredRequest } from './request-record'
import { domainCacheFor } from './resolve'
import type { DomainCache, RenderedDocument } from '../db/domain-cache'
import { AUTOCONFIG_PATHS, warmAutoconfig } from '../protocols/autoconfig/route'

/** An answer as the app would send it: header names in lower case, as a Web Response has them. */
export interface WarmAnswer {
  /** The mail domain it is about, for the log line. */
  readonly domain: string
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /**
   * The cached document the body comes from: as long as its cache entry keeps it, the same object
   * for every answer, so a runtime may keep what it derives from the body (its bytes) under it. (An
   * entry that holds its maximum of documents renders further keys afresh each time.)
   */
  readonly document: RenderedDocument
}

/** A request as it reaches the runtime's entry, before the app. */
export interface IncomingRequest {
  readonly method: string
  /** The absolute URL, one the app reads alike: the same path and query (its host is parsed again). */
  readonly url: string
  /** A request header (lower-case name; repeated ones joined with ", " as a Web Request's), or undefined. */
  readonly header: (name: string) => string | undefined
  /** The address of the TCP peer, as AppOptions.peerAddress would give it. */
  readonly peer: string | null
}

interface WarmRoute {
  readonly protocol: MetricsProtocol
  answer(url: string, host: string, cache: DomainCache, ttlSetting: string | undefined): WarmAnswer | undefined
}

const WARM_ROUTES = new Map<string, WarmRoute>(AUTOCONFIG_PATHS.map((path) => [path, { protocol: 'autoconfig', answer: warmAutoconfig }]))

/**
 * The path the router would match, or undefined when it would first decode it (a `%`: the app
 * decodes before it routes, so such paths are left to it).
 */
function routedPath(url: string): string | undefined {
  const start = url.indexOf('/', url.indexOf('://') + 3)
  if (start < 0) return undefined
  const query = url.indexOf('?', start)
  const hash = url.indexOf('#', start)
  const end = query < 0 ? (hash < 0 ? url.length : hash) : hash < 0 ? query : Math.min(query, hash)
  const path = url.slice(start, end)
  return path.includes('%') ? undefined : path
}

export type WarmAnswers = (request: IncomingRequest, env: Bindings) => WarmAnswer | undefined

export interface WarmAnswerOptions extends Pick<AppOptions, 'metrics'> {
  /** The database of these bindings, opened: a request whose database is still opening goes to the app. */
  readonly database: (env: Bindings) => Database
}

/**
 * The log line and sample of a warm answer. Neither may fail the answer (MetricsRecorder's
 * contract), and a failure here must not send the request on to the app, which would record it twice.
 */
function record(log: Logger, recorder: MetricsRecorder | null, request: AnsweredRequest): void {
  try {
    recordRequest(log, recorder, request)
  } catch (error) {
    log.log('error', 'warm answer: recording the request failed', { error: error instanceof Error ? error.name : 'unknown' })
  }
}

export function createWarmAnswers(options: WarmAnswerOptions): WarmAnswers {
  const { database } = options
  return (request, env) => {
    // HEAD is answered by the app (the same route, without a body).
    if (request.method !== 'GET') return undefined
    const path = routedPath(request.url)
    if (path === undefined) return undefined
    const route = WARM_ROUTES.get(path)
    if (route === undefined) return undefined
    const startedAt = Date.now()
    // As the app's setup middleware: a bad PROXY_COUNT or Host is the app's to answer.
    let facts: RequestFacts | null
    try {
      facts = requestFactsFor(request.url, request.peer, request.header, env.PROXY_COUNT)
    } catch {
      // Not a URL (a Host with an impossible port or address): the app's adaptor refuses it.
      return undefined
    }
    if (facts === null || !facts.hostIsValid) return undefined
    const db = database(env)
    const ttlSetting = env.CONFIG_CACHE_TTL_SECONDS
    const answer = route.answer(request.url, facts.host, domainCacheFor(db, ttlSetting), ttlSetting)
    if (answer === undefined) return undefined
    const log = loggerFor(env.LOG_LEVEL)
    const recorder = recorderFor(options.metrics?.recorder, env, log)
    if (keepsRecord(log, recorder, route.protocol)) {
      record(log, recorder, {
        method: request.method,
        path,
        url: request.url,
        userAgent: request.header('user-agent'),
        status: answer.status,
        startedAt,
        domain: answer.domain,
        clientAddress: facts.clientAddress,
        protocol: route.protocol,
        failure: undefined,
      })
    }
    return answer
  }
}
