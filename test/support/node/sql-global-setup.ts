/**
 * vitest globalSetup of the whole run: one PostgreSQL and one MariaDB server (test/support/node/sql-servers.ts)
 * before any test runs, their URLs handed to the tests through `provide` (`inject('sql')`), both
 * stopped and deleted afterwards. Each test file makes its own database on them (sql-databases.ts).
 */
import type { TestProject } from 'vitest/node'
import { startMariadb, startPostgres } from './sql-servers'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgres, mariadb] = await Promise.allSettled([startPostgres(), startMariadb()])
  if (postgres.status === 'rejected' || mariadb.status === 'rejected') {
    await Promise.all([postgres, mariadb].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
    throw postgres.status === 'rejected' ? postgres.reason : mariadb.status === 'rejected' ? mariadb.reason : new Error('unreachable')
  }
  project.provide('sql', { postgres: postgres.value.url, mysql: mariadb.value.url })
  return async () => {
    await Promise.all([postgres.value.stop(), mariadb.value.stop()])
  }
}
