/**
 * Settings of the self-hosted server, from the environment (the same names as the Worker's
 * bindings) and the command line. Every mistake is reported by name, before anything starts.
 */
import { adminTokenProblem } from '../admin/token'
import { MIN_METRICS_TOKEN_LENGTH } from '../app/metrics'
import { parseProxyCount } from '../app/request-facts'
import { fail, ok, type Result } from '../core/result'
import { parsePort, parseResolver } from '../doctor/settings'
import { dialectOfUrl } from './database'
import { DEFAULT_NETWORK, type DoctorNetwork } from './doctor/run'

const DEFAULT_HOST = '127.0.0.1'
/** automx2's port, so an NGINX site written for automx2 works unchanged. */
export const DEFAULT_PORT = 4243
const DEFAULT_DATABASE_URL = 'file:./data/mailconf.db'


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
  postgres://, postgresql://, mysql://, file:, libsql:; LIBSQL_URL when unset),
  LIBSQL_AUTH_TOKEN, PROXY_COUNT (0), ADMIN_TOKEN, METRICS_TOKEN, LOG_LEVEL (info),
  HTTP_HEADERS_TIMEOUT_MS (${DEFAULT_HTTP_LIMITS.headersTimeoutMs}), HTTP_REQUEST_TIMEOUT_MS (${DEFAULT_HTTP_LIMITS.requestTimeoutMs}),
  HTTP_KEEPALIVE_TIMEOUT_MS (${DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs}), HTTP_MAX_CONNECTIONS (${DEFAULT_HTTP_LIMITS.maxConnections}),
  DOCTOR_RESOLVER (the system's), DOCTOR_HTTPS_PORT (443), DOCTOR_HTTP_PORT (80)`

export interface ServerSettings {
  readonly host: string
  readonly port: number
  readonly databaseUrl: string
  /** Where databaseUrl came from, for messages: DATABASE_URL, or its older name LIBSQL_URL. */
  readonly databaseSetting: 'DATABASE_URL' | 'LIBSQL_URL'
  readonly authToken: string | undefined
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
  return ok({
    host: env.HOST?.trim() || DEFAULT_HOST,
    port,
    databaseUrl,
    databaseSetting,
    authToken: env.LIBSQL_AUTH_TOKEN || undefined,
    seedSample,
    migrateOnly,
    limits,
    doctor: doctor.value,
  })
}
