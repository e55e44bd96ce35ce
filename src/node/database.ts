/**
 * The self-hosted server's database: libsql's Node client (an embedded SQLite for `file:` URLs,
 * or a remote libsql/Turso server), migrated at startup with the same drizzle-kit migrations
 * wrangler applies to D1.
 */
import { createClient, type Client } from '@libsql/client'
import { drizzle } from 'drizzle-orm/libsql/node'
import { migrate } from 'drizzle-orm/libsql/migrator'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLibsqlDb, type Db } from '../db/client'
import type { ReplicaSync } from './settings'

/**
 * `schema/migrations` of the project holding `moduleUrl` (src/node/main.ts, or its bundle in dist/):
 * searched upwards to the first folder with a package.json, the project root, and no further.
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

/**
 * Opens LIBSQL_URL; with `sync`, as an embedded replica of the primary at `sync.url` (the local file
 * answers reads; libsql forwards writes to the primary and reads its own writes back, and pulls
 * the primary's changes every `sync.intervalSeconds`). The first sync happens here, so a primary
 * that cannot be reached stops the start with an error naming LIBSQL_SYNC_URL.
 */
export function openDatabase(url: string, authToken: string | undefined, sync: ReplicaSync | null = null): { client: Client; db: Db } {
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
  return { client, db: createLibsqlDb(client) }
}

/** A driver message without the URL or token it might quote (a URL can hold ?authToken=…). */
function withoutSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let text = message
  for (const secret of secrets) if (secret) text = text.split(secret).join('…')
  return text.replace(/(authToken=)[^&\s]+/gi, '$1…')
}

/**
 * Applies the migrations not yet applied (drizzle records them in `__drizzle_migrations`; wrangler
 * keeps its own table on D1, so the two never meet).
 */
export async function migrateDatabase(client: Client, migrationsFolder: string): Promise<void> {
  await migrate(drizzle(client), { migrationsFolder })
}
