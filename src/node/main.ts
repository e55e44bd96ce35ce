/**
 * Self-hosted entry: the Worker's app on Node (@hono/node-server) over libsql, for hosts without
 * Cloudflare (behind NGINX, as automx2 runs). `npm run serve`, or `node dist/node.mjs` after
 * `npm run build:node`. Settings come from the environment under the Worker's binding names.
 */
import type { Bindings } from '../app/env'
import { loggerFor } from '../app/log'
import { logSignerWarnings } from '../protocols/apple/route'
import { profileSigner } from '../protocols/apple/sign'
import sample from '../../seed/sample.json'
import { describeLoad, loadIntoEmpty } from '../seed/write'
import { describeDriverError } from '../db/client'
import { describeDatabaseUrl, findMigrationsFolder, migrateDatabase, openDatabase } from './database'
import { startServer } from './server'
import { readSettings, USAGE, type ReplicaSync } from './settings'

// From src/node/main.ts (tsx) and from its bundle dist/node.mjs alike.
const MIGRATIONS_FOLDER = findMigrationsFolder(import.meta.url)


const settings = readSettings(process.env, process.argv.slice(2))
if (!settings.ok) {
  if (settings.error.kind === 'help') {
    console.log(USAGE)
    process.exit(0)
  }
  console.error(`mailconf: ${settings.error.message}`)
  process.exit(2)
}
const { host, port, databaseUrl, databaseSetting, authToken, sync, seedSample, migrateOnly, limits, doctor } = settings.value
// A URL can carry a password or a token (?authToken=…): the log shows no credentials.
const database = sync ? `${databaseUrl} (embedded replica of a remote libsql, synced every ${sync.intervalSeconds} s)` : describeDatabaseUrl(databaseUrl)
// The environment is the bindings: ADMIN_TOKEN, LOG_LEVEL, PROXY_COUNT, … under the same names.
const bindings: Bindings = process.env
const logger = loggerFor(bindings.LOG_LEVEL)

try {
  // Signing secrets are checked before anything starts: a broken pair would answer every profile
  // with 500, and an expiring certificate is better heard of now than from a user.
  const signing = await profileSigner(bindings)
  if (signing.kind === 'broken') {
    console.error(`mailconf: profile signing: ${signing.reason}`)
    process.exit(2)
  }
  logSignerWarnings(logger, signing)
  const connection = await openDatabase(databaseUrl, authToken, { setting: databaseSetting, sync })
  const { db } = connection
  try {
    await migrateDatabase(connection, MIGRATIONS_FOLDER)
  } catch (cause) {
    // The driver's message (refused, unknown host, authentication failed) never holds the password.
    throw new Error(`${databaseSetting}: ${describeDriverError(cause)}`)
  }
  if (seedSample) {
    const loaded = describeLoad(await loadIntoEmpty(db, sample))
    if (!loaded.ok) throw new Error(`seed/sample.json: ${loaded.error}`)
    logger.log('info', `seed/sample.json: ${loaded.value}`)
  }
  if (migrateOnly) {
    logger.log('info', 'database ready', { database })
    await connection.close()
    process.exit(0)
  }
  const server = await startServer({ host, port, bindings, client: connection, db, limits, doctor })
  logger.log('info', 'listening', { url: server.url, database })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log('info', 'stopping', { signal })
      void server.close().then(() => {
        logger.log('info', 'stopped')
        process.exit(0)
      })
    })
  }
} catch (error) {
  console.error(`mailconf: could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
