/**
 * Settings of the self-hosted server, from the environment (the same names as the Worker's
 * bindings) and the command line. Every mistake is reported by name, before anything starts.
 */
import { adminTokenProblem } from '../admin/token'
import { MIN_METRICS_TOKEN_LENGTH } from '../app/metrics'
import { parseProxyCount } from '../app/request-facts'
import { fail, ok, type Result } from '../core/result'
import { parsePort, parseResolver } from '../doctor/settings'
import { databaseFilePath, dialectOfUrl } from './database'
import { DEFAULT_NETWORK, type DoctorNetwork } from './doctor/run'

const DEFAULT_HOST = '127.0.0.1'
/** automx2's port, so an NGINX site written for automx2 works unchanged. */
export const DEFAULT_PORT = 4243
const DEFAULT_DATABASE_URL = 'file:./data/mailconf.db'
/** As long as the domain cache's default TTL: a change reaches a replica's readers within about two. */
const DEFAULT_SYNC_INTERVAL_SECONDS = 60
const SYNC_URL_SCHEMES = new Set(['libsql:', 'https:', 'http:', 'wss:', 'ws:'])


/**
 * What one client connection may hold, so slow or idle clients cannot use up the server: the
 * headers must arrive within `headersTimeoutMs`, the whole request (body included) within
 * `requestTimeoutMs` (else 408 and the connection is closed), an idle keep-alive connection is
 * closed after `keepAliveTimeoutMs`, and at most `maxConnections` are open at once (more are
 * refused at connect). Behind NGINX these rarely bite; facing clients directly they are the guard.
 */
export interface HttpLimits {
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  readonly maxConnections: number
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 512 }

const HTTP_LIMIT_SETTINGS: readonly [keyof HttpLimits, string, number, number][] = [
  ['headersTimeoutMs', 'HTTP_HEADERS_TIMEOUT_MS', 100, 600_000],
  ['requestTimeoutMs', 'HTTP_REQUEST_TIMEOUT_MS', 100, 600_000],
  ['keepAliveTimeoutMs', 'HTTP_KEEPALIVE_TIMEOUT_MS', 100, 600_000],
  ['maxConnections', 'HTTP_MAX_CONNECTIONS', 1, 100_000],
]

export const USAGE = `usage: mailconf-server [--seed-sample] [--migrate-only]

  --seed-sample   load seed/sample.json when the database holds no provider yet
  --migrate-only  apply the migrations (and --seed-sample) to DATABASE_URL, then exit

environment: HOST (${DEFAULT_HOST}), PORT (${DEFAULT_PORT}), DATABASE_URL (${DEFAULT_DATABASE_URL};
  postgres://, postgresql://, mysql://, file:, libsql:; LIBSQL_URL when unset), LIBSQL_AUTH_TOKEN,
  LIBSQL_SYNC_URL (none: the database URL is the database; set: it is a file: embedded replica of
  it), LIBSQL_SYNC_INTERVAL_SECONDS (${DEFAULT_SYNC_INTERVAL_SECONDS}), PROXY_COUNT (0), ADMIN_TOKEN, METRICS_TOKEN, LOG_LEVEL (info),
  HTTP_HEADERS_TIMEOUT_MS (${DEFAULT_HTTP_LIMITS.headersTimeoutMs}), HTTP_REQUEST_TIMEOUT_MS (${DEFAULT_HTTP_LIMITS.requestTimeoutMs}),
  HTTP_KEEPALIVE_TIMEOUT_MS (${DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs}), HTTP_MAX_CONNECTIONS (${DEFAULT_HTTP_LIMITS.maxConnections}),
  DOCTOR_RESOLVER (the system's), DOCTOR_HTTPS_PORT (443), DOCTOR_HTTP_PORT (80)`

/**
 * A Turso embedded replica: LIBSQL_URL is a local file that libsql keeps in sync with the primary
 * at `url` (LIBSQL_SYNC_URL); reads are local, writes go to the primary (README "Caches and replicas").
 */
export interface ReplicaSync {
  readonly url: string
  readonly intervalSeconds: number
}

export interface ServerSettings {
  readonly host: string
  readonly port: number
  readonly databaseUrl: string
  /** Where databaseUrl came from, for messages: DATABASE_URL, or its older name LIBSQL_URL. */
  readonly databaseSetting: 'DATABASE_URL' | 'LIBSQL_URL'
  readonly authToken: string | undefined
  /** Null: LIBSQL_URL is the database itself. */
  readonly sync: ReplicaSync | null
  readonly seedSample: boolean
  /** Prepare the database and exit: how a remote libsql/Turso database gets its migrations. */
  readonly migrateOnly: boolean
  readonly limits: HttpLimits
  /** Where GET /admin/doctor asks DNS and dials https/http; trust anchors are Node's (NODE_EXTRA_CA_CERTS). */
  readonly doctor: DoctorNetwork
}

/**
 * DOCTOR_RESOLVER (HOST:PORT of a DNS server to ask instead of the system's: a public resolver
 * where the server's own sees a split horizon) and DOCTOR_HTTPS_PORT / DOCTOR_HTTP_PORT (where
 * to dial instead of 443 and 80: staging and tests).
 */
function readDoctorNetwork(env: Readonly<Record<string, string | undefined>>): Result<DoctorNetwork, string> {
  const resolverText = env.DOCTOR_RESOLVER?.trim()
  const resolver = resolverText ? parseResolver(resolverText, 'DOCTOR_RESOLVER') : ok(null)
  if (!resolver.ok) return resolver
  const ports: Record<'httpsPort' | 'httpPort', number> = { httpsPort: DEFAULT_NETWORK.httpsPort, httpPort: DEFAULT_NETWORK.httpPort }
  for (const [key, name] of [['httpsPort', 'DOCTOR_HTTPS_PORT'], ['httpPort', 'DOCTOR_HTTP_PORT']] as const) {
    const text = env[name]?.trim()
    if (!text) continue
    const port = parsePort(text, name)
    if (!port.ok) return port
    ports[key] = port.value
  }
  return ok({ ...DEFAULT_NETWORK, resolver: resolver.value, ...ports })
}

export type SettingsError = { readonly kind: 'help' } | { readonly kind: 'invalid'; readonly message: string }

/**
 * LIBSQL_SYNC_URL and LIBSQL_SYNC_INTERVAL_SECONDS. The URL is never quoted back: a libsql URL can
 * carry its token (?authToken=…).
 */
function readReplicaSync(env: Readonly<Record<string, string | undefined>>, databaseUrl: string): Result<ReplicaSync | null, string> {
  const url = env.LIBSQL_SYNC_URL?.trim()
  const intervalText = env.LIBSQL_SYNC_INTERVAL_SECONDS?.trim()
  if (!url) {
    return intervalText ? fail('LIBSQL_SYNC_INTERVAL_SECONDS is set but LIBSQL_SYNC_URL is not: the interval is how often an embedded replica syncs') : ok(null)
  }
  let scheme: string
  try {
    scheme = new URL(url).protocol
  } catch {
    scheme = ''
  }
  if (!SYNC_URL_SCHEMES.has(scheme)) return fail('LIBSQL_SYNC_URL must be the libsql:, https: or http: URL of the primary database (the value is not shown: it may hold a token)')
  const file = databaseFilePath(databaseUrl)
  if (!file || file === ':memory:') {
    return fail('LIBSQL_SYNC_URL needs LIBSQL_URL to be a local file: URL, the embedded replica it keeps in sync (for example file:./data/replica.db)')
  }
  let intervalSeconds = DEFAULT_SYNC_INTERVAL_SECONDS
  if (intervalText) {
    if (!/^\d+$/.test(intervalText) || Number(intervalText) < 1 || Number(intervalText) > 86_400) {
      return fail(`LIBSQL_SYNC_INTERVAL_SECONDS must be a whole number from 1 to 86400, got ${JSON.stringify(intervalText)}`)
    }
    intervalSeconds = Number(intervalText)
  }
  return ok({ url, intervalSeconds })
}

export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
): Result<ServerSettings, SettingsError> {
  let seedSample = false
  let migrateOnly = false
  for (const arg of args) {
    if (arg === '--seed-sample') seedSample = true
    else if (arg === '--migrate-only') migrateOnly = true
    else if (arg === '--help' || arg === '-h') return fail({ kind: 'help' })
    else return fail({ kind: 'invalid', message: `unknown argument ${JSON.stringify(arg)}\n${USAGE}` })
  }
  const portText = env.PORT?.trim() || String(DEFAULT_PORT)
  const port = Number(portText)
  // 0 asks the system for a free port (tests); the address actually bound is printed at startup.
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    return fail({ kind: 'invalid', message: `PORT must be a number from 0 to 65535, got ${JSON.stringify(portText)}` })
  }
  const weakToken = env.ADMIN_TOKEN ? adminTokenProblem(env.ADMIN_TOKEN) : null
  if (weakToken) return fail({ kind: 'invalid', message: weakToken })
  if (env.METRICS_TOKEN && env.METRICS_TOKEN.length < MIN_METRICS_TOKEN_LENGTH) {
    return fail({ kind: 'invalid', message: `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters (for example \`openssl rand -hex 32\`)` })
  }
  if (!parseProxyCount(env.PROXY_COUNT).ok) {
    return fail({ kind: 'invalid', message: 'PROXY_COUNT must be a whole number from 0 to 10' })
  }
  const limits: Record<keyof HttpLimits, number> = { ...DEFAULT_HTTP_LIMITS }
  for (const [key, name, min, max] of HTTP_LIMIT_SETTINGS) {
    const text = env[name]?.trim()
    if (!text) continue
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      return fail({ kind: 'invalid', message: `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}` })
    }
    limits[key] = Number(text)
  }
  const doctor = readDoctorNetwork(env)
  if (!doctor.ok) return fail({ kind: 'invalid', message: doctor.error })
  // DATABASE_URL wins; LIBSQL_URL, the name before other databases were served, is read without it.
  const databaseSetting = env.DATABASE_URL?.trim() ? 'DATABASE_URL' : 'LIBSQL_URL'
  const databaseUrl = env[databaseSetting]?.trim() || DEFAULT_DATABASE_URL
  const dialect = dialectOfUrl(databaseUrl, databaseSetting)
  if (!dialect.ok) return fail({ kind: 'invalid', message: dialect.error })
  const sync = readReplicaSync(env, databaseUrl)
  if (!sync.ok) return fail({ kind: 'invalid', message: sync.error })
  return ok({
    host: env.HOST?.trim() || DEFAULT_HOST,
    port,
    databaseUrl,
    databaseSetting,
    authToken: env.LIBSQL_AUTH_TOKEN || undefined,
    sync: sync.value,
    seedSample,
    migrateOnly,
    limits,
    doctor: doctor.value,
  })
}
