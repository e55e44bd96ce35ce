/**
 * The self-hosted server's database, from `DATABASE_URL`: libsql's Node client (an embedded SQLite
 * for `file:` URLs, or a remote libsql/Turso server), PostgreSQL (`postgres` driver) or
 * MySQL/MariaDB (`mysql2`), migrated at startup with drizzle-kit's migrations for that dialect
 * (schema/migrations for SQLite, the same ones wrangler applies to D1; schema/migrations/pg and
 * schema/migrations/mysql for the servers).
 */
import { createClient, type Client } from '@libsql/client'
import { drizzle } from 'drizzle-orm/libsql/node'
import { migrate as migrateLibsql } from 'drizzle-orm/libsql/migrator'
import type { Pool } from 'mysql2'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql } from 'postgres'
import type { Db, Dialect } from '../db/client'
import { createLibsqlDb } from '../db/libsql'
import { fail, ok, type Result } from '../core/result'
import type { ReplicaSync } from './settings'

/**
 * `schema/migrations` of the project holding `moduleUrl` (src/node/main.ts, or its bundle in dist/):
 * searched upwards to the first folder with a package.json, the project root, and no further. The
 * SQLite migrations are there; the servers' are in its `pg` and `mysql` folders.
 */
export function findMigrationsFolder(moduleUrl: string): string {
  for (let folder = dirname(fileURLToPath(moduleUrl)); ; folder = dirname(folder)) {
    const candidate = join(folder, 'schema', 'migrations')
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate
    if (existsSync(join(folder, 'package.json')) || dirname(folder) === folder) {
      throw new Error(`no schema/migrations in the project of ${fileURLToPath(moduleUrl)}`)
    }
  }
}

/** The path a `file:` URL names (relative to the working directory), or null for a remote URL. */
export function databaseFilePath(url: string): string | null {
  const match = /^file:(?:\/\/(?=\/))?([^?#]+)/.exec(url)
  return match?.[1] ? decodeURIComponent(match[1]) : null
}

const SCHEMES: Readonly<Record<string, Dialect>> = {
  'file:': 'sqlite',
  'libsql:': 'sqlite',
  'http:': 'sqlite',
  'https:': 'sqlite',
  'ws:': 'sqlite',
  'wss:': 'sqlite',
  'postgres:': 'postgresql',
  'postgresql:': 'postgresql',
  'mysql:': 'mysql',
}

/** A driver message without the URL or token it might quote (a URL can hold ?authToken=…). */
function withoutSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let text = message
  for (const secret of secrets) if (secret) text = text.split(secret).join('…')
  return text.replace(/(authToken=)[^&\s]+/gi, '$1…')
}

/**
 * Which driver a database URL asks for. The message names the setting and never repeats the URL,
 * which may hold a password.
 */
export function dialectOfUrl(url: string, setting: string): Result<Dialect, string> {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase()
  const dialect = scheme === undefined ? undefined : SCHEMES[scheme]
  if (dialect === undefined) {
    return fail(`${setting} must start with file:, libsql:, postgres://, postgresql:// or mysql://`)
  }
  if (dialect !== 'sqlite' && !URL.canParse(url)) return fail(`${setting} is not a valid ${scheme}// URL`)
  return ok(dialect)
}

/** The database as a log line may show it: the path of a file, else scheme, host, port and name (no user, no password). */
export function describeDatabaseUrl(url: string): string {
  if (url.startsWith('file:')) return url
  if (!URL.canParse(url)) return 'database'
  const { protocol, hostname, port, pathname } = new URL(url)
  return protocol === 'libsql:' || protocol.startsWith('http') || protocol.startsWith('ws') ? 'remote libsql' : `${protocol}//${hostname}${port ? `:${port}` : ''}${pathname}`
}

/** Every server the Node target starts closes the one connection they share when it stops. */
const once = (close: () => Promise<void>) => {
  let closing: Promise<void> | null = null
  return () => (closing ??= close())
}

/** An open database: the app's handle, and what migrating and closing it need. */
export type DatabaseConnection = { readonly db: Db; close(): Promise<void> } & (
  | { readonly dialect: 'sqlite'; readonly client: Client }
  | { readonly dialect: 'postgresql'; readonly client: Sql }
  | { readonly dialect: 'mysql'; readonly client: Pool }
)

/**
 * Opens the database a URL names. Nothing is dialled yet for the servers (their drivers connect on
 * first use), so an unreachable server or wrong credentials show up at the first statement: the
 * migrations at startup, or a request answered 503. The servers' drivers are imported only when
 * asked for: a server on SQLite does not spend its start-up loading them.
 */
export interface OpenOptions {
  /** The setting the URL came from, for messages (DATABASE_URL, or LIBSQL_URL). */
  readonly setting?: string
  /**
   * SQLite only: open the `file:` URL as an embedded replica of the primary at `sync.url` (the local
   * file answers reads; libsql forwards writes to the primary and reads its own writes back, and
   * pulls the primary's changes every `sync.intervalSeconds`). The first sync happens here, so a
   * primary that cannot be reached stops the start with an error naming LIBSQL_SYNC_URL.
   */
  readonly sync?: ReplicaSync | null
}

export async function openDatabase(url: string, authToken: string | undefined, options: OpenOptions = {}): Promise<DatabaseConnection> {
  const { setting = 'DATABASE_URL', sync = null } = options
  const dialect = dialectOfUrl(url, setting)
  if (!dialect.ok) throw new Error(dialect.error)
  switch (dialect.value) {
    case 'postgresql': {
      const [{ default: postgres }, { createPostgresDb }] = await Promise.all([import('postgres'), import('../db/sql-servers')])
      // Notices (such as "relation already exists, skipping" from a migration) are not failures.
      const client = postgres(url, { max: 10, connect_timeout: 10, onnotice: () => {} })
      return { dialect: 'postgresql', client, db: createPostgresDb(client), close: once(() => client.end({ timeout: 5 })) }
    }
    case 'mysql': {
      const [{ createPool }, { createMysqlDb }] = await Promise.all([import('mysql2'), import('../db/sql-servers')])
      const client = createPool({ uri: url, connectionLimit: 10, connectTimeout: 10_000 })
      return { dialect: 'mysql', client, db: createMysqlDb(client), close: once(() => new Promise<void>((resolve) => client.end(() => resolve()))) }
    }
    case 'sqlite': {
      const file = databaseFilePath(url)
      // SQLite creates the file but not its folder (./data/ in a fresh clone).
      if (file !== null && file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
      const config = { url, ...(authToken === undefined ? {} : { authToken }), ...(sync ? { syncUrl: sync.url, syncInterval: sync.intervalSeconds } : {}) }
      let client: Client
      try {
        client = createClient(config)
      } catch (error) {
        if (!sync) throw error
        const cause = withoutSecrets(error instanceof Error ? error.message : String(error), [sync.url, authToken])
        throw new Error(`LIBSQL_SYNC_URL: the embedded replica could not sync with the primary (${cause}); check the URL, LIBSQL_AUTH_TOKEN and that the primary is reachable from here`, { cause: error })
      }
      return {
        dialect: 'sqlite',
        client,
        db: createLibsqlDb(client),
        close: async () => client.close(),
      }
    }
  }
}

/**
 * Applies the migrations not yet applied. Drizzle records them in `__drizzle_migrations` (in the
 * `drizzle` schema on PostgreSQL); wrangler keeps its own table on D1, so the two never meet.
 * `migrationsFolder` is the SQLite one (findMigrationsFolder); the servers' are below it.
 */
export async function migrateDatabase(connection: DatabaseConnection, migrationsFolder: string): Promise<void> {
  switch (connection.dialect) {
    case 'sqlite':
      return migrateLibsql(drizzle(connection.client), { migrationsFolder })
    case 'postgresql': {
      const [{ drizzle: drizzlePostgres }, { migrate }] = await Promise.all([import('drizzle-orm/postgres-js'), import('drizzle-orm/postgres-js/migrator')])
      return migrate(drizzlePostgres(connection.client), { migrationsFolder: join(migrationsFolder, 'pg') })
    }
    case 'mysql': {
      const [{ drizzle: drizzleMysql }, { migrate }] = await Promise.all([import('drizzle-orm/mysql2'), import('drizzle-orm/mysql2/migrator')])
      return migrate(drizzleMysql(connection.client), { migrationsFolder: join(migrationsFolder, 'mysql') })
    }
  }
}
