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
import { databaseFromBindings } from '../db/from-bindings'
import { loggerFor } from './log'
import type { MetricsProtocol } from './metrics'
import { parseProxyCount, resolveRequestFacts, type RequestFacts } from './request-facts'
import { keepsRecord, recordRequest, recorderFor } from './request-record'
import { domainCacheFor } from './resolve'
import type { DomainCache } from '../db/domain-cache'
import { AUTOCONFIG_PATHS, warmAutoconfig } from '../protocols/autoconfig/route'

/** An answer as the app would send it: header names in lower case, as a Web Response has them. */
export interface WarmAnswer {
  /** The mail domain it is about, for the log line. */
  readonly domain: string
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /**
   * The cached document the body comes from: the same object for every answer until its cache
   * entry goes, so a runtime may keep what it derives from the body (its bytes) under it.
   */
  readonly document: object
}

/** A request as it reaches the runtime's entry, before the app. */
export interface IncomingRequest {
  readonly method: string
  /** The absolute URL exactly as the app would get it. */
  readonly url: string
  /** A request header (lower-case name), or undefined. */
  header(name: string): string | undefined
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

export function createWarmAnswers(options: Pick<AppOptions, 'database' | 'metrics'> = {}): WarmAnswers {
  const database = options.database ?? databaseFromBindings
  return (request, env) => {
    // HEAD is answered by the app (the same route, without a body).
    if (request.method !== 'GET') return undefined
    const path = routedPath(request.url)
    if (path === undefined) return undefined
    const route = WARM_ROUTES.get(path)
    if (route === undefined) return undefined
    const startedAt = Date.now()
    // As the app's setup middleware: a bad PROXY_COUNT or Host is the app's to answer.
    const hops = parseProxyCount(env.PROXY_COUNT)
    if (!hops.ok) return undefined
    let facts: RequestFacts
    try {
      facts = resolveRequestFacts(
        {
          url: request.url,
          peer: request.peer,
          forwardedFor: request.header('x-forwarded-for'),
          forwardedProto: request.header('x-forwarded-proto'),
          forwardedHost: request.header('x-forwarded-host'),
        },
        hops.value,
      )
    } catch {
      // Not a URL (a Host with an impossible port or address): the app's adaptor refuses it.
      return undefined
    }
    if (!facts.hostIsValid) return undefined
    const db = database(env)
    // Still being opened (libsql on a Worker, db/from-bindings.ts): the app waits for it.
    if (db instanceof Promise) return undefined
    const ttlSetting = env.CONFIG_CACHE_TTL_SECONDS
    const answer = route.answer(request.url, facts.host, domainCacheFor(db, ttlSetting), ttlSetting)
    if (answer === undefined) return undefined
    const log = loggerFor(env.LOG_LEVEL)
    const recorder = recorderFor(options.metrics?.recorder, env, log)
    if (keepsRecord(log, recorder, route.protocol)) {
      recordRequest(log, recorder, {
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
