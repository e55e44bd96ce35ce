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

export function openDatabase(url: string, authToken: string | undefined): { client: Client; db: Db } {
  const file = databaseFilePath(url)
  // SQLite creates the file but not its folder (./data/ in a fresh clone).
  if (file !== null && file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const client = createClient(authToken === undefined ? { url } : { url, authToken })
  return { client, db: createLibsqlDb(client) }
}

/**
 * Applies the migrations not yet applied (drizzle records them in `__drizzle_migrations`; wrangler
 * keeps its own table on D1, so the two never meet).
 */
export async function migrateDatabase(client: Client, migrationsFolder: string): Promise<void> {
  await migrate(drizzle(client), { migrationsFolder })
}
