/**
 * Picks the database from the Worker's bindings: the D1 binding `DB` when present, otherwise the
 * PostgreSQL or MySQL database of the Hyperdrive binding `HYPERDRIVE` (db/hyperdrive.ts, in the
 * Worker built from src/worker-hyperdrive.ts), otherwise the libsql server at `LIBSQL_URL` (Turso),
 * authenticated with the secret `LIBSQL_AUTH_TOKEN`.
 *
 * Handles are kept per isolate, not made per request: the domain cache and the prepared domain
 * lookup hang off them (app/resolve.ts, db/domain-query.ts), a D1 handle holds the bookmark of the
 * isolate's last admin write (db/database.ts), and the libsql client probes the server's protocol
 * version before its first batch. D1 sessions, which belong to one request, are opened from the
 * handle when a request runs a statement.
 */
import { ConfigurationError } from '../app/config-error'
import type { Bindings } from '../app/env'
import type { Db } from './client'
import { d1Database, singleHandle, type Database } from './database'

const NO_DATABASE_MESSAGE =
  'no database configured: bind a D1 database as DB (wrangler.toml [[d1_databases]]), ' +
  'a Hyperdrive configuration as HYPERDRIVE ([[hyperdrive]]), ' +
  'or set LIBSQL_URL (with the secret LIBSQL_AUTH_TOKEN) for Turso/libsql'

/**
 * db/hyperdrive.ts's opener, handed in by src/worker-hyperdrive.ts. Not imported here: the drivers
 * (postgres, mysql2 and what mysql2 brings) would more than double the bundle of every Worker,
 * including those on D1 that never use them.
 */
let hyperdriveOpener: ((binding: Hyperdrive) => Db) | null = null

export function useHyperdrive(opener: (binding: Hyperdrive) => Db): void {
  hyperdriveOpener = opener
}

// Keyed by the binding object: tests (and a redeploy) may hand in another one.
const d1Handles = new WeakMap<D1Database, Database>()
let libsqlHandle: { readonly url: string; readonly token: string | undefined; readonly db: Promise<Database> } | null = null

/**
 * The Database of these bindings. A libsql one comes as a promise: its client (db/libsql.ts) is
 * imported on first use, so that Workers on D1 (most) never evaluate it at start-up.
 */
export function databaseFromBindings(env: Bindings): Database | Promise<Database> {
  if (env.DB) {
    let db = d1Handles.get(env.DB)
    if (!db) d1Handles.set(env.DB, (db = d1Database(env.DB)))
    return db
  }
  if (env.HYPERDRIVE) {
    if (!hyperdriveOpener) {
      throw new ConfigurationError('HYPERDRIVE is bound, but this Worker has no PostgreSQL/MySQL drivers: deploy src/worker-hyperdrive.ts (wrangler.toml main)')
    }
    // A handle per request (db/hyperdrive.ts); its domain cache is keyed by the binding (cacheKeyOf).
    return singleHandle(hyperdriveOpener(env.HYPERDRIVE))
  }
  const url = env.LIBSQL_URL?.trim()
  if (!url) throw new ConfigurationError(NO_DATABASE_MESSAGE)
  const token = env.LIBSQL_AUTH_TOKEN || undefined
  if (libsqlHandle?.url !== url || libsqlHandle.token !== token) {
    const db = import('./libsql').then(({ openWorkerLibsql }) => openWorkerLibsql(url, token))
    // A URL the client refuses is refused again on the next request, as before, not kept.
    db.catch(() => {
      if (libsqlHandle?.db === db) libsqlHandle = null
    })
    libsqlHandle = { url, token, db }
  }
  return libsqlHandle.db
}
