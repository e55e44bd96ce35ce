/**
 * The Worker's PostgreSQL or MySQL database through a Hyperdrive binding (`HYPERDRIVE`), in the
 * Worker built from src/worker-hyperdrive.ts (the drivers stay out of src/worker.ts's bundle).
 *
 * One client per request: workerd ties a socket to the request that opened it, so a client kept for
 * the isolate would fail on the next request. Hyperdrive keeps the pool of connections to the
 * database at the edge, which makes a client per request cheap; the runtime closes its socket when
 * the request ends. The domain cache does not follow the per-request handle: it is keyed by the
 * binding (cacheKeyOf, db/client.ts), so it lives as long as the isolate, as on D1.
 */
import { createPool } from 'mysql2'
import postgres from 'postgres'
import { ConfigurationError } from '../app/config-error'
import { registerCacheKey, type Db } from './client'
import { createMysqlDb, createPostgresDb } from './sql-servers'

/**
 * Hyperdrive's MySQL connection string may carry `ssl-mode`, which mysql2 does not know (it warns on
 * every connection); the connection to Hyperdrive itself is local to the Worker's host.
 */
function withoutSslMode(connectionString: string): string {
  if (!URL.canParse(connectionString)) return connectionString
  const url = new URL(connectionString)
  url.searchParams.delete('ssl-mode')
  return url.href
}

export function openHyperdrive(binding: Hyperdrive): Db {
  const scheme = /^([a-z]+):/i.exec(binding.connectionString)?.[1]?.toLowerCase()
  let db: Db
  if (scheme === 'postgres' || scheme === 'postgresql') {
    // One connection per request: a request's statements run one after another anyway, and each
    // connection costs a handshake. Type names are not fetched at connect (one round trip fewer):
    // only built-in types are read.
    db = createPostgresDb(postgres(binding.connectionString, { max: 1, fetch_types: false, onnotice: () => {} }))
  } else if (scheme === 'mysql') {
    // mysql2 compiles row parsers with eval unless told not to, which workerd forbids.
    db = createMysqlDb(createPool({ uri: withoutSslMode(binding.connectionString), connectionLimit: 1, disableEval: true }))
  } else {
    throw new ConfigurationError('HYPERDRIVE: the binding must point at a PostgreSQL or MySQL database (wrangler hyperdrive create)')
  }
  registerCacheKey(db, binding)
  return db
}
