/**
 * Settings of the self-hosted server, from the environment (the same names as the Worker's
 * bindings) and the command line. Every mistake is reported by name, before anything starts.
 */
import { parseProxyCount } from '../app/request-facts'
import { fail, ok, type Result } from '../core/result'

const DEFAULT_HOST = '127.0.0.1'
/** automx2's port, so an NGINX site written for automx2 works unchanged. */
export const DEFAULT_PORT = 4243
const DEFAULT_DATABASE_URL = 'file:./data/mailconf.db'

export const USAGE = `usage: mailconf-server [--seed-sample] [--migrate-only]

  --seed-sample   load seed/sample.json when the database holds no provider yet
  --migrate-only  apply the migrations (and --seed-sample) to LIBSQL_URL, then exit

environment: HOST (${DEFAULT_HOST}), PORT (${DEFAULT_PORT}), LIBSQL_URL (${DEFAULT_DATABASE_URL}),
  LIBSQL_AUTH_TOKEN, PROXY_COUNT (0), ADMIN_TOKEN, LOG_LEVEL (info)`

export interface ServerSettings {
  readonly host: string
  readonly port: number
  readonly databaseUrl: string
  readonly authToken: string | undefined
  readonly seedSample: boolean
  /** Prepare the database and exit: how a remote libsql/Turso database gets its migrations. */
  readonly migrateOnly: boolean
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
  if (!parseProxyCount(env.PROXY_COUNT).ok) {
    return fail({ kind: 'invalid', message: 'PROXY_COUNT must be a whole number from 0 to 10' })
  }
  return ok({
    host: env.HOST?.trim() || DEFAULT_HOST,
    port,
    databaseUrl: env.LIBSQL_URL?.trim() || DEFAULT_DATABASE_URL,
    authToken: env.LIBSQL_AUTH_TOKEN || undefined,
    seedSample,
    migrateOnly,
  })
}
