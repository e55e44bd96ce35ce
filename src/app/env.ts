/** Typed bindings, vars and secrets of the Worker, and the per-request variables of the app. */
import type { Db } from '../db/client'
import type { Database } from '../db/database'
import type { DoctorRunner } from '../doctor/runner'
import type { ResolveHost } from '../directory/policy'
import type { Failure } from './failures'
import type { Logger } from './log'
import type { MetricsProtocol } from './metrics'
import type { RequestFacts } from './request-facts'

/**
 * `Env` (from `wrangler types`) holds what wrangler.toml declares; secrets and the optional
 * storage settings are added here. The Node entry passes `process.env` under the same names.
 */
export interface Bindings extends Omit<Env, 'LOG_LEVEL' | 'DB' | 'ADMIN_RATE_LIMITER'> {
  /** The D1 database; when absent, `HYPERDRIVE`, then `LIBSQL_URL` (db/from-bindings.ts). */
  DB?: D1Database
  /** A Hyperdrive binding to PostgreSQL or MySQL (`[[hyperdrive]]` in wrangler.toml). */
  HYPERDRIVE?: Hyperdrive
  /** Turso/libsql database URL (`libsql://…`; the Node entry also takes `file:`). */
  LIBSQL_URL?: string
  /** Secret: the libsql/Turso auth token. */
  LIBSQL_AUTH_TOKEN?: string
  /** How many reverse proxies in front of us to trust for X-Forwarded-*; default 0 (request-facts.ts). */
  PROXY_COUNT?: string
  /** Bearer token for /initdb/ and the admin API, at least 16 characters; unset = admin routes answer 404. */
  ADMIN_TOKEN?: string
  /** When set, /initdb/ and /admin/ exist only on this host name (404 on every other). */
  ADMIN_HOSTNAME?: string
  /**
   * Workers rate-limit binding (`[[ratelimits]]`, shipped in wrangler.toml) for /initdb/ and
   * /admin/, keyed by client address; optional because the Node server and an operator's own
   * wrangler.toml may have none.
   */
  ADMIN_RATE_LIMITER?: RateLimit
  /** Public host name of this service, target of the published CNAME/SRV records. */
  SERVICE_HOSTNAME?: string
  /** `debug` | `info` | `warn` | `error`; default info. */
  LOG_LEVEL?: string
  /**
   * Seconds a resolved domain stays in the in-isolate cache (db/domain-cache.ts), and the max-age
   * of placeholder-only Autoconfig documents; default 60, 0 turns both off.
   */
  CONFIG_CACHE_TTL_SECONDS?: string
  /** Directory lookups: ms for the connect and for each LDAP operation; default 3000. */
  LDAP_TIMEOUT_MS?: string
  /** Lookups one directory may have open at a time, per isolate/process; default 8 (directory/gate.ts). */
  LDAP_MAX_CONNECTIONS?: string
  /** How long a lookup may wait for one of them, ms; default 1000. */
  LDAP_QUEUE_MS?: string
  /** How long a directory that failed LDAP_CIRCUIT_FAILURES lookups in a row is left alone, s; default 30. */
  LDAP_CIRCUIT_SECONDS?: string
  /** Failed lookups in a row that open the circuit; default 5, 0 = never. */
  LDAP_CIRCUIT_FAILURES?: string
  /** `true`: directories on loopback, link-local and private addresses may be dialled (directory/policy.ts). */
  LDAP_ALLOW_PRIVATE?: string
  // Bind passwords stored as `env:LDAP_…` are read from secrets of that name (directory/settings.ts).
  /** `I_understand_the_risks` lets users put their password into an Apple profile (automx2's opt-in). */
  PERMIT_CLEARTEXT_PASSWORDS?: string
  /** PEM certificate (optionally followed by its chain) to sign Apple profiles with. */
  MOBILECONFIG_SIGNING_CERT?: string
  /** PEM private key of that certificate (PKCS#8; PKCS#1 RSA and SEC1 EC keys are accepted too). */
  MOBILECONFIG_SIGNING_KEY?: string
  /** PEM intermediate certificates to include in the signature. */
  MOBILECONFIG_SIGNING_CHAIN?: string
  /** Bearer token for GET /metrics (Node server), at least 16 characters; unset = 404. */
  METRICS_TOKEN?: string
  /** Workers Analytics Engine dataset (`[[analytics_engine_datasets]]`): one data point per config request (app/metrics.ts). */
  METRICS?: AnalyticsEngineDataset
}

export interface Variables {
  /** The request's database, kept per isolate (db/database.ts): the domain cache's key. */
  database: Database
  /**
   * The Drizzle handle routes query through: `database.reads` (may be a replica), replaced for
   * admin requests by their primary session (admin/auth.ts).
   */
  db: Db
  /** The logger for this request's LOG_LEVEL (one per level, shared). */
  log: Logger
  /** Scheme, host and client address, with PROXY_COUNT applied (request-facts.ts). */
  facts?: RequestFacts
  /** Resolves host names for the directory host policy, where the runtime can (the Node entry). */
  resolveHost?: ResolveHost
  /** Runs the doctor, where the runtime can (the Node entry); GET /admin/doctor answers 501 without. */
  doctor?: DoctorRunner
  /** The mail domain a request was about, for the request log line. */
  domain?: string
  /** The protocol a config route serves, for the metrics (app/metrics.ts countAs); unset elsewhere. */
  protocol?: MetricsProtocol
  /** The failure a protocol router answered, if any, for the metrics' outcome. */
  failure?: Failure['kind']
}

export interface AppEnv {
  Bindings: Bindings
  Variables: Variables
}
