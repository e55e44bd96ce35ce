/** Typed bindings, vars and secrets of the Worker, and the per-request variables of the app. */
import type { Db } from './db/client'
import type { LookupDeps } from './lookup'

/** `Env` (from `wrangler types`) holds what wrangler.toml declares; secrets are added here. */
export interface Bindings extends Omit<Env, 'LOG_LEVEL'> {
  /** Bearer token for /initdb/ and the admin API; unset = admin routes answer 404. */
  ADMIN_TOKEN?: string
  /** Public host name of this service, target of the published CNAME/SRV records. */
  SERVICE_HOSTNAME?: string
  /** `debug` | `info` | `warn` | `error`; default info. */
  LOG_LEVEL?: string
  /** Directory lookups: ms for the connect and for each LDAP operation; default 3000. */
  LDAP_TIMEOUT_MS?: string
  // Bind passwords stored as `env:LDAP_…` are read from secrets of that name (src/ldap-config.ts).
}

export interface Variables {
  db: Db
  /** What resolveAccount needs: the database, and the directory client when there is one. */
  lookup: LookupDeps
  /** The mail domain a request was about, for the request log line. */
  domain?: string
}

export interface AppEnv {
  Bindings: Bindings
  Variables: Variables
}
