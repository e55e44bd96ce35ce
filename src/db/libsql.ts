/**
 * Drizzle over a libsql client (Turso, a `file:` SQLite), and the Worker's libsql database.
 *
 * A module of its own because @libsql/client is most of the Worker's database code and only a
 * Worker without a D1 binding uses it: db/from-bindings.ts imports this module when `LIBSQL_URL`
 * is first used, so a Worker on D1 never evaluates it (docs/ARCHITECTURE.md "Start-up"). The Node
 * entry imports it directly.
 */
// The `/web` entries: their only import is `@libsql/client/web`, so the Worker never pulls in the
// native Node client. The Node entry hands in a `@libsql/client` (node) client instead.
import { createClient, LibsqlError, type Client as LibsqlClient } from '@libsql/client/web'
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web'
import * as schema from '../../schema/schema'
import { ConfigurationError } from '../app/config-error'
import type { Db } from './client'
import { singleHandle, type Database } from './database'

export type { LibsqlClient }

export function createLibsqlDb(client: LibsqlClient): Db {
  return drizzleLibsql(client, { schema })
}

/** The Worker's database at `LIBSQL_URL`, or a ConfigurationError saying why that URL cannot serve. */
export function openWorkerLibsql(url: string, authToken: string | undefined): Database {
  // A WebSocket belongs to the request that opened it in workerd, so a client kept for the
  // isolate must speak HTTP (libsql: means https: to this client).
  if (/^wss?:/i.test(url)) {
    throw new ConfigurationError('LIBSQL_URL: use a libsql:, https: or http: URL on Workers, not ws:/wss:')
  }
  let client: LibsqlClient
  try {
    client = createClient(authToken === undefined ? { url } : { url, authToken })
  } catch (error) {
    // Only the error code: the client's message can quote the URL, and a URL can carry a token.
    const code = error instanceof LibsqlError ? error.code : 'invalid'
    throw new ConfigurationError(`LIBSQL_URL is not usable on Workers (${code}): use a libsql:, https: or http: URL`)
  }
  return singleHandle(createLibsqlDb(client))
}
