/**
 * The Worker's Hyperdrive path (db/from-bindings.ts → db/hyperdrive.ts, as src/worker-hyperdrive.ts wires it), run in Node against the
 * test run's real PostgreSQL and MariaDB: a Hyperdrive binding hands the Worker a connection string,
 * which is all this code reads, so a plain object with one stands in for it here (workerd's own
 * sockets: test/db/hyperdrive.test.ts). Precedence, one domain cache per binding, and failures
 * that name the setting and never the password.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { createApp } from '../../src/app/create-app'
import type { Bindings } from '../../src/app/env'
import { useHyperdrive } from '../../src/db/from-bindings'
import { openHyperdrive } from '../../src/db/hyperdrive'
import { captureConsole } from '../support/capture-console'
import { createTestDatabase, type TestDatabase } from '../support/node/sql-databases'
import { startNodeTarget } from '../support/node/node-target'

const TOKEN = 'hyperdrive-test-admin-token'
const binding = (connectionString: string) => ({ connectionString }) as Hyperdrive
const AUTOCONFIG = 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.net'

describe.each(['postgresql', 'mysql'] as const)('HYPERDRIVE to %s', (dialect) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    // The migrations, as `DATABASE_URL=… npm run serve -- --migrate-only` applies them before a deploy.
    const migrated = await startNodeTarget({}, { database: { ...database, drop: async () => {} } })
    await migrated.stop()
    useHyperdrive(openHyperdrive)
  })
  afterAll(() => database.drop())
  afterEach(() => vi.restoreAllMocks())

  it('serves the database behind the binding, before LIBSQL_URL, and caches per binding', async () => {
    const app = createApp()
    const env: Bindings = { HYPERDRIVE: binding(database.url), LIBSQL_URL: 'libsql://unused.example', ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn' }
    const seeded = await app.fetch(new Request('https://x.example/initdb/', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(sample) }), env)
    expect(seeded.status).toBe(200)
    expect((await app.fetch(new Request(AUTOCONFIG), env)).status).toBe(200)
    // Cached under the binding although each request has a handle of its own: rows deleted behind
    // the service's back do not change the answer within the TTL.
    await database.query('DELETE FROM server_domain')
    expect(await (await app.fetch(new Request(AUTOCONFIG), env)).text()).toContain('imap.example.com')
  })

  it('answers 503 without the password when the credentials are wrong', async () => {
    const lines = captureConsole()
    const wrong = database.url.replace(/:[^:@/]+@/, ':Wrong-Secret-9@')
    const response = await createApp().fetch(new Request(AUTOCONFIG), { HYPERDRIVE: binding(wrong), LOG_LEVEL: 'warn' })
    expect(response.status).toBe(503)
    const text = `${await response.text()}\n${lines.join('\n')}`
    expect(text).not.toContain('Wrong-Secret-9')
    expect(lines.join('\n')).toContain('database unavailable')
  })
})

it('answers 500 naming HYPERDRIVE for a binding to neither PostgreSQL nor MySQL', async () => {
  useHyperdrive(openHyperdrive)
  const lines = captureConsole()
  const response = await createApp().fetch(new Request(AUTOCONFIG), { HYPERDRIVE: binding('mongodb://u:Pw-Secret-1@db.example/x'), LOG_LEVEL: 'warn' })
  expect(response.status).toBe(500)
  expect(lines.join('\n')).toContain('HYPERDRIVE')
  expect(`${await response.text()}${lines.join('\n')}`).not.toContain('Pw-Secret-1')
  vi.restoreAllMocks()
})
