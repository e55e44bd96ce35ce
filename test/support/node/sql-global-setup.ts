/**
 * vitest globalSetup of the whole run: one PostgreSQL and one MariaDB server (test/support/node/sql-servers.ts)
 * before any test runs, their URLs handed to the tests through `provide` (`inject('sql')`), both
 * stopped and deleted afterwards. Each test file makes its own database on them (sql-databases.ts).
 */
import type { TestProject } from 'vitest/node'
import { createConnection } from 'mysql2/promise'
import postgresClient from 'postgres'
import { migrateDatabase, openDatabase } from '../../../src/node/database'
import { MIGRATIONS_FOLDER } from './node-target'
import { startMariadb, startPostgres } from './sql-servers'

/** A database named `mailconf_hyperdrive`, migrated, as the URL the Hyperdrive binding connects to. */
async function hyperdriveDatabase(serverUrl: string, kind: 'postgres' | 'mysql'): Promise<string> {
  let url: string
  if (kind === 'postgres') {
    const server = postgresClient(serverUrl, { max: 1, onnotice: () => {} })
    await server.unsafe('CREATE DATABASE mailconf_hyperdrive')
    await server.end()
    url = serverUrl.replace(/\/postgres$/, '/mailconf_hyperdrive')
  } else {
    const server = await createConnection({ uri: serverUrl })
    await server.query('CREATE DATABASE mailconf_hyperdrive')
    await server.end()
    url = `${serverUrl}mailconf_hyperdrive`
  }
  const connection = await openDatabase(url, undefined)
  await migrateDatabase(connection, MIGRATIONS_FOLDER)
  await connection.close()
  return url
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgres, mariadb] = await Promise.allSettled([startPostgres(), startMariadb()])
  if (postgres.status === 'rejected' || mariadb.status === 'rejected') {
    await Promise.all([postgres, mariadb].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
    throw postgres.status === 'rejected' ? postgres.reason : mariadb.status === 'rejected' ? mariadb.reason : new Error('unreachable')
  }
  project.provide('sql', { postgres: postgres.value.url, mysql: mariadb.value.url })
  // The workerd project's Hyperdrive bindings (vitest.config.ts): a migrated database on each
  // server, named to the pool through the environment, as slapd's trust file is.
  const hyperdrive = await Promise.all([hyperdriveDatabase(postgres.value.url, 'postgres'), hyperdriveDatabase(mariadb.value.url, 'mysql')])
  process.env.MAILCONF_TEST_HYPERDRIVE_POSTGRES = hyperdrive[0]
  process.env.MAILCONF_TEST_HYPERDRIVE_MYSQL = hyperdrive[1]
  return async () => {
    delete process.env.MAILCONF_TEST_HYPERDRIVE_POSTGRES
    delete process.env.MAILCONF_TEST_HYPERDRIVE_MYSQL
    await Promise.all([postgres.value.stop(), mariadb.value.stop()])
  }
}
