/** The Hono app: a logger, request facts and the database per request, the request log line, the routers, error mapping. */
import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { ServiceUnavailableError } from '../core/outage'
import { describeDriverError } from '../db/client'
import type { Database } from '../db/database'
import { pingDatabase } from '../db/domain-query'
import type { ResolveHost } from '../directory/policy'
import type { DoctorRunner } from '../doctor/runner'
import { databaseFromBindings } from '../db/from-bindings'
import { mobileconfig } from '../protocols/apple/route'
import { autoconfig } from '../protocols/autoconfig/route'
import { autodiscover } from '../protocols/autodiscover/route'
import { autodiscoverV2 } from '../protocols/autodiscover/v2-route'
import { davDiscovery } from '../protocols/dav/route'
import { site } from '../protocols/landing/route'
import { pacc } from '../protocols/pacc/route'
import { ConfigurationError } from './config-error'
import type { AppEnv, Bindings } from './env'
import { failAsText, outage, RETRY_AFTER } from './failures'
import { mountAdminLazily } from './lazy-admin'
import { loggablePath, loggerFor } from './log'
import { serveMetrics, type MetricsExposition, type MetricsRecorder } from './metrics'
import { keepsRecord, recordRequest, recorderFor } from './request-record'
import { requestFactsFor } from './request-facts'

/** What differs between the Worker and the self-hosted Node entry; everything else is shared. */
export interface AppOptions {
  /** The database for these bindings. Default: D1 `DB`, else `LIBSQL_URL` (db/from-bindings.ts). */
  readonly database?: (env: Bindings) => Database | Promise<Database>
  /**
   * The address of the TCP peer. Default: the CF-Connecting-IP header, which Cloudflare's edge
   * sets (and overwrites) on every request to a Worker; the Node entry reads its socket instead.
   */
  readonly peerAddress?: (request: Request) => string | null
  /** Resolves host names for the directory host policy; the Node entry passes its resolver. */
  readonly resolveHost?: ResolveHost
  /** Runs `GET /admin/doctor/<domain>`; the Node entry passes one (src/node/doctor/service.ts), Workers cannot. */
  readonly doctor?: DoctorRunner
  /**
   * Where each config request is counted, and what GET /metrics serves: the Node entry passes its
   * Prometheus registry (src/node/metrics.ts). Default: the `METRICS` Analytics Engine binding
   * when bound, and no /metrics.
   */
  readonly metrics?: { readonly recorder: MetricsRecorder; readonly exposition: MetricsExposition }
}

const cloudflarePeer = (request: Request) => request.headers.get('cf-connecting-ip')

// One line per request, and a metrics sample per config request (request-record.ts). What
// neither needs is not computed: this runs on every request (`c.get`, not `c.var`, which copies all
// variables into a new object).
const requestLog = (options: AppOptions) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const startedAt = Date.now()
    const log = loggerFor(c.env.LOG_LEVEL)
    c.set('log', log)
    await next()
    const protocol = c.get('protocol')
    const recorder = protocol === undefined ? null : recorderFor(options.metrics?.recorder, c.env, log)
    if (!keepsRecord(log, recorder, protocol)) return
    recordRequest(log, recorder, {
      method: c.req.method,
      path: c.req.path,
      url: c.req.url,
      userAgent: c.req.header('user-agent'),
      status: c.res.status,
      startedAt,
      domain: c.get('domain') ?? null,
      clientAddress: c.get('facts')?.clientAddress ?? null,
      protocol,
      failure: c.get('failure'),
    })
  })

function setup(options: AppOptions) {
  const database = options.database ?? databaseFromBindings
  const peerAddress = options.peerAddress ?? cloudflarePeer
  return createMiddleware<AppEnv>(async (c, next) => {
    const facts = requestFactsFor(c.req.url, peerAddress(c.req.raw), (name) => c.req.header(name), c.env.PROXY_COUNT)
    if (facts === null) throw new ConfigurationError('PROXY_COUNT must be a whole number from 0 to 10')
    c.set('facts', facts)
    // Before any route: several put the host into URLs they answer with. Workers only see hosts
    // routed to them; Node passes on whatever Host header a URL parser accepts.
    if (!facts.hostIsValid) return c.text('the Host header is not a host name (letters, digits, hyphens and dots, or an address)', 400)
    const db = await database(c.env)
    c.set('database', db)
    c.set('db', db.reads)
    if (options.resolveHost) c.set('resolveHost', options.resolveHost)
    if (options.doctor) c.set('doctor', options.doctor)
    await next()
  })
}

const notFound = (c: Context<AppEnv>) => c.text('not found', 404)

export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requestLog(options), setup(options))

  app.get('/healthz', async (c) => {
    try {
      await pingDatabase(c.var.db)
      return c.text('ok')
    } catch {
      return c.text('database unavailable', 503, RETRY_AFTER)
    }
  })
  app.get('/metrics', (c) => serveMetrics(c, options.metrics?.exposition))
  app.route('/', autoconfig)
  app.route('/', autodiscover)
  app.route('/', autodiscoverV2)
  app.route('/', mobileconfig)
  app.route('/', davDiscovery)
  app.route('/', pacc)
  app.route('/', site)
  mountAdminLazily(app, notFound)

  app.notFound(notFound)
  app.onError((error, c) => {
    // Every protocol router answers outages in its own format (app/failures.ts); what reaches
    // here came from outside them.
    if (error instanceof ServiceUnavailableError) return failAsText(c, outage(c, error))
    const log = c.var.log
    if (c.req.raw.signal.aborted) {
      // The client went away, or the server's request timeout ended it (Node), while its body was
      // being read: nobody receives this answer, and nothing is broken.
      log.log('info', 'request aborted', { path: loggablePath(c.req.path) })
      return c.text('the request was not received in time', 408)
    }
    if (error instanceof ConfigurationError) {
      // The operator's mistake, not the client's: say what to fix, in the log and in the body
      // (these messages name settings, never their values).
      log.log('error', 'configuration error', { path: loggablePath(c.req.path), cause: error.message })
      return c.text(`mailconf is not configured correctly: ${error.message}`, 500)
    }
    // describeDriverError: a query that failed outside usingDatabase must not log its parameters.
    log.log('error', 'unhandled error', { path: loggablePath(c.req.path), error: error.name, cause: describeDriverError(error) })
    return c.text('internal error', 500)
  })
  return app
}
