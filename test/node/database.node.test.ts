/**
 * A libsql database that fails under the Node server answers as a broken D1 does in workerd
 * (test/app/failures.test.ts): 503 with Retry-After, no stack trace, the cause logged.
 * The failure is real: the server's libsql client is closed under it, so every statement throws.
 * Also where the Node entry finds its migrations.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { findMigrationsFolder, openDatabase } from '../../src/node/database'
import { adminHeaders, seed } from '../support/target'
import { libsqlClient, startNodeTarget } from '../support/node/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())
afterEach(() => vi.restoreAllMocks())

beforeAll(async () => {
  expect((await seed(target, sample)).status).toBe(200)
  libsqlClient(target).close()
})

describe('libsql failures under the Node server', () => {
  it('answers a config request with 503 and Retry-After, without a stack trace', async () => {
    target.captureLog()
    const response = await target.fetch('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.com')
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('30')
    const body = await response.text()
    expect(body).toContain('unavailable')
    expect(body).not.toMatch(/at |closed|libsql|\.ts:/i)
  })

  it('answers /healthz with 503', async () => {
    const response = await target.fetch('https://x.example/healthz')
    expect(response.status).toBe(503)
    expect(await response.text()).toBe('database unavailable')
  })

  it('logs the cause at error level', async () => {
    const lines = target.captureLog()
    await target.fetch('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.com')
    const errorLine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error')
    expect(errorLine).toMatchObject({ msg: 'database unavailable', cause: expect.stringContaining('closed') })
  })

  // Drizzle's error for a failed statement carries its parameters (src/db/client.ts describeDriverError).
  it('never logs the values of a failed write (an LDAP bind password, a domain)', async () => {
    const lines = target.captureLog()
    const response = await target.fetch('/admin/ldapservers', {
      method: 'POST',
      headers: { ...adminHeaders(target), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'ldap.secret-host.example', search_base: 'dc=x', bind_user: 'cn=r', bind_password: 'Hunter2-Secret' }),
    })
    expect(response.status).toBe(503)
    expect(lines.some((l) => l.includes('"level":"error"'))).toBe(true)
    expect(lines.join('\n')).not.toMatch(/Hunter2-Secret|secret-host|insert into/i)
  })
})

describe('findMigrationsFolder', () => {
  it('finds schema/migrations from src/node/ and stops at the project root', () => {
    expect(findMigrationsFolder(new URL('../../src/node/main.ts', import.meta.url).href)).toMatch(/schema\/migrations$/)
    // A project without its own migrations must not borrow those of a folder above it.
    const outer = mkdtempSync(join(tmpdir(), 'mailconf-outer-'))
    mkdirSync(join(outer, 'schema', 'migrations', 'meta'), { recursive: true })
    writeFileSync(join(outer, 'schema', 'migrations', 'meta', '_journal.json'), '{}')
    const project = join(outer, 'project')
    mkdirSync(join(project, 'dist'), { recursive: true })
    writeFileSync(join(project, 'package.json'), '{}')
    expect(() => findMigrationsFolder(pathToFileURL(join(project, 'dist', 'node.mjs')).href)).toThrow(/no schema\/migrations/)
  })
})

describe('openDatabase', () => {
  it('opens a file: database without a sync URL as before: a local SQLite file, folder created', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mailconf-open-'))
    const connection = await openDatabase(`file:${join(folder, 'data', 'mailconf.db')}`, undefined)
    if (connection.dialect !== 'sqlite') throw new Error('a file: URL opens SQLite')
    const { client } = connection
    try {
      await client.execute('CREATE TABLE t (x)')
      await client.execute('INSERT INTO t VALUES (1)')
      expect((await client.execute('SELECT x FROM t')).rows).toEqual([expect.objectContaining({ x: 1 })])
      expect(existsSync(join(folder, 'data', 'mailconf.db'))).toBe(true)
    } finally {
      client.close()
    }
  })

  // No libsql server here: the honest test of an embedded replica is its failure to make the first
  // sync, which is what an operator with a wrong URL, token or firewall meets at start-up.
  it('stops with an error naming LIBSQL_SYNC_URL, and neither token nor URL, when the primary cannot be reached', async () => {
    const port = await closedPort()
    const folder = mkdtempSync(join(tmpdir(), 'mailconf-replica-'))
    const syncUrl = `http://127.0.0.1:${port}/?authToken=url-secret-token`
    let error: unknown
    try {
      await (await openDatabase(`file:${join(folder, 'replica.db')}`, 'very-secret-token', { setting: 'LIBSQL_URL', sync: { url: syncUrl, intervalSeconds: 60 } })).close()
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toMatch(/^LIBSQL_SYNC_URL: the embedded replica could not sync with the primary \(.+\)/)
    expect(message).not.toMatch(/very-secret-token|url-secret-token|127\.0\.0\.1:\d+\/\?/)
  })
})

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
