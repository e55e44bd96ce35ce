/**
 * A libsql database that fails under the Node server answers as a broken D1 does in workerd
 * (test/app/failures.test.ts): 503 with Retry-After, no stack trace, the cause logged.
 * The failure is real: the server's libsql client is closed under it, so every statement throws.
 * Also where the Node entry finds its migrations.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { findMigrationsFolder } from '../../src/node/database'
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
