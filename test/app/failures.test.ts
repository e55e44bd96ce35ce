/**
 * Faults (workerd only: they wrap the D1 binding; the libsql counterpart is
 * test/node/database.node.test.ts): a database that is down or fails mid-request answers 503 + Retry-After in each
 * endpoint's own format; an import or seed whose batch fails in the middle leaves every table as
 * it was; a slow or closed directory under 50 concurrent requests gives 503s while domains
 * without a directory keep answering.
 */
import { env } from 'cloudflare:test'
import { XMLValidator } from 'fast-xml-parser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/worker'
import sample from '../../seed/sample.json'
import { tableContents as tableContentsOf, UNSET_PROVIDER_COLUMNS } from '../support/admin-client'
import { workerTarget } from '../support/worker-target'
import { captureConsole } from '../support/capture-console'
import { ldapPorts, ldapSeed } from '../support/ldap-fixture'
import { ADMIN, resetDatabase, seed } from '../support/worker'

// These tests need workerd-only facilities (see each describe); tables are read through the D1 target.
const tableContents = () => tableContentsOf(workerTarget)

/** A D1 binding that works for its first `healthyCalls` uses, then fails as a lost connection does. */
function failingD1(healthyCalls = 0): D1Database {
  let calls = 0
  return new Proxy(env.DB, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (calls++ >= healthyCalls) throw new Error('D1_ERROR: Network connection lost.')
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

/**
 * A D1 binding whose batches get a statement that violates a NOT NULL constraint inserted in their
 * middle: the real D1 runs the first half, then fails, and must roll all of it back.
 */
function d1FailingMidBatch(): D1Database {
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          const middle = Math.ceil(statements.length / 2)
          const poison = target.prepare('INSERT INTO provider (id, name, short_name) VALUES (NULL, NULL, NULL)')
          return target.batch([...statements.slice(0, middle), poison, ...statements.slice(middle)])
        }
      }
      const value: unknown = Reflect.get(target, property)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

const send = (url: string, init: RequestInit, DB: D1Database) =>
  worker.fetch(new Request(new URL(url, 'https://autoconfig.example.com'), init), { ...env, DB })

const POX = '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>'
const FORM = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'emailaddress=alice%40example.com' }
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { ...ADMIN, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

type Format = 'xml-603' | 'v2-json' | 'admin-json' | 'text' | 'html'
const ENDPOINTS: [string, string, RequestInit, Format][] = [
  ['Autodiscover POX', '/autodiscover/autodiscover.xml', { method: 'POST', body: POX }, 'xml-603'],
  ['Autodiscover POX, other case', '/AutoDiscover/AutoDiscover.xml', { method: 'POST', body: POX }, 'xml-603'],
  ['Autodiscover POX, root alias', '/autodiscover.xml', { method: 'POST', body: POX }, 'xml-603'],
  ['Autodiscover v2, query form', '/autodiscover/autodiscover.json?Email=alice@example.com&Protocol=AutodiscoverV1', {}, 'v2-json'],
  ['Autodiscover v2, path form', '/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=ActiveSync', {}, 'v2-json'],
  ['admin list', '/admin/providers', { headers: ADMIN }, 'admin-json'],
  ['admin create', '/admin/providers', json('POST', { name: 'New' }), 'admin-json'],
  ['admin export', '/admin/export', { headers: ADMIN }, 'admin-json'],
  ['admin import', '/admin/import?replace=true', json('POST', sample), 'admin-json'],
  ['admin DNS', '/admin/dns/example.com', { headers: ADMIN }, 'admin-json'],
  ['seeding', '/initdb/', json('POST', sample), 'admin-json'],
  ['purge', '/initdb/', { method: 'DELETE', headers: ADMIN }, 'admin-json'],
  ['Autoconfig', '/mail/config-v1.1.xml?emailaddress=alice%40example.com', {}, 'text'],
  ['Autoconfig by host', '/.well-known/autoconfig/mail/config-v1.1.xml', {}, 'text'],
  ['Apple profile (GET)', '/mobileconfig?emailaddress=alice%40example.com', {}, 'text'],
  ['Apple profile (POST)', '/email.mobileconfig', FORM, 'text'],
  ['landing page', '/?emailaddress=alice%40example.com', {}, 'html'],
]

beforeEach(async () => {
  await resetDatabase()
  await seed(sample)
})
afterEach(() => vi.restoreAllMocks())

async function expectUnavailable(response: Response, format: Format): Promise<void> {
  expect(response.status).toBe(503)
  expect(response.headers.get('Retry-After')).toBe('30')
  const type = response.headers.get('Content-Type') ?? ''
  const body = await response.text()
  expect(body).not.toMatch(/D1_ERROR|Network connection|\bat \S+:\d+|\.ts:\d+|Error:/)
  if (format === 'xml-603') {
    expect(type).toBe('text/xml; charset=utf-8')
    expect(XMLValidator.validate(body)).toBe(true)
    expect(body).toMatch(/<Error Time="[\d:.]+" Id="\d+">\s*<ErrorCode>603<\/ErrorCode>\s*<Message>the configuration database is unavailable; try again shortly<\/Message>/)
  } else if (format === 'v2-json') {
    expect(type).toMatch(/^application\/json/)
    expect(JSON.parse(body)).toEqual({ ErrorCode: 'ServiceUnavailable', ErrorMessage: 'the configuration database is unavailable; try again shortly' })
  } else if (format === 'admin-json') {
    expect(type).toMatch(/^application\/json/)
    expect(JSON.parse(body)).toEqual({ error: 'the configuration database is unavailable; try again shortly' })
  } else if (format === 'html') {
    expect(type).toMatch(/^text\/html/)
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
    expect(body).toContain('<p class="error" role="alert">We can&#39;t load the settings right now. Please try again in a minute.</p>')
    expect(body).toContain('value="alice@example.com"')
  } else {
    expect(type).toMatch(/^text\/plain/)
    expect(body).toBe('the configuration database is unavailable; try again shortly')
  }
}

describe('database unavailable: 503 + Retry-After in the endpoint format', () => {
  it.each(ENDPOINTS)('%s (%s)', async (_name, url, init, format) => {
    const lines = captureConsole()
    await expectUnavailable(await send(url, init, failingD1()), format)
    const errors = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'error')
    expect(errors).toEqual([expect.objectContaining({ msg: 'database unavailable', cause: expect.stringContaining('Network connection lost') })])
  })

  it('/healthz answers 503 with Retry-After', async () => {
    const response = await send('/healthz', {}, failingD1())
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('30')
    expect(await response.text()).toBe('database unavailable')
  })

  it('the database failing between two queries of one request: 503 JSON, nothing written', async () => {
    captureConsole()
    const before = await tableContents()
    // POST /admin/import?replace=true reads (emptiness, next ids) before its one write batch.
    for (const healthy of [1, 2]) {
      const response = await send('/admin/import?replace=true', json('POST', { ...sample, provider: 'Replacement' }), failingD1(healthy))
      await expectUnavailable(response, 'admin-json')
    }
    expect(await tableContents()).toEqual(before)
  })

  it('other errors still reach the app handler (500, plain text, no stack trace)', async () => {
    captureConsole()
    const response = await worker.fetch(new Request('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', body: POX }), { ...env, PROXY_COUNT: 'many' })
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('mailconf is not configured correctly: PROXY_COUNT must be a whole number from 0 to 10')
  })
})

describe('a write batch failing in its middle leaves the database exactly as before', () => {
  const OTHER = { version: 2, providers: [
    { provider: 'First', domains: ['first.example', 'first.test'] },
    { provider: 'Second', domains: ['second.example'] },
    { provider: 'Third', domains: ['third.example', 'third.test'] },
  ], servers: [{ type: 'imap', name: 'imap.first.example' }, { type: 'smtp', name: 'smtp.first.example' }, { type: 'caldav', url: 'https://dav.first.example/' }], ldapservers: [] }

  it.each([
    ['POST /admin/import?replace=true', '/admin/import?replace=true', true],
    ['POST /admin/import (empty database)', '/admin/import', false],
    ['POST /initdb/ (empty database)', '/initdb/', false],
  ])('%s', async (_name, url, keepData) => {
    if (!keepData) await resetDatabase()
    const before = await tableContents()
    const response = await send(url, json('POST', OTHER), d1FailingMidBatch())
    expect(response.status).toBe(409)
    expect(JSON.stringify(await response.json())).toContain('nothing was written')
    expect(await tableContents()).toEqual(before)
    // The same request on the healthy binding goes through: the failure was the injected one.
    expect((await send(url, json('POST', OTHER), env.DB)).status).toBe(200)
  })

  it('a unique conflict late in a multi-provider import (a domain added meanwhile) rolls back the rest', async () => {
    await resetDatabase()
    // Another request writes a domain of the document after the emptiness check, just before the
    // import's batch: its insert of third.test (late in the batch) hits the unique index.
    let injected = false
    const racing = new Proxy(env.DB, {
      get(target, property) {
        if (property === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (!injected) {
              injected = true
              await target.batch([
                target.prepare("INSERT INTO provider (id, name, short_name) VALUES (99, 'Racer', 'Racer')"),
                target.prepare("INSERT INTO domain (id, name, provider_id) VALUES (99, 'third.test', 99)"),
              ])
            }
            return target.batch(statements)
          }
        }
        const value: unknown = Reflect.get(target, property)
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      },
    })
    const response = await send('/admin/import', json('POST', OTHER), racing)
    expect(injected).toBe(true)
    expect(response.status).toBe(409)
    const tables = await tableContents()
    expect(tables.provider).toEqual([{ id: 99, name: 'Racer', short_name: 'Racer', ...UNSET_PROVIDER_COLUMNS }])
    expect(tables.domain).toEqual([{ id: 99, name: 'third.test', provider_id: 99, ldapserver_id: null }])
    expect([tables.server, tables.davserver, tables.server_domain, tables.urlserver, tables.sieveserver]).toEqual([[], [], [], [], []])
  })
})

describe('directory faults under load', () => {
  const CONCURRENCY = 50
  const configFor = (address: string) => `https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`

  it.each([
    ['a silent directory (timeouts)', () => ldapPorts().silentPort],
    ['a closed port (refused)', () => ldapPorts().closedPort],
  ])('%s: 50 concurrent requests all get 503 in their format; other domains keep answering 200', async (_name, port) => {
    await resetDatabase()
    expect((await seed(ldapSeed({ port: port() }))).status).toBe(200)
    captureConsole()
    const bindings = { ...env, LDAP_TIMEOUT_MS: '300' }
    const ldapRequests = Array.from({ length: CONCURRENCY }, (_, i) => {
      const address = `user${i}@example.com`
      const kind = i % 3
      const request = kind === 0
        ? new Request(configFor(address))
        : kind === 1
          ? new Request('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', body: POX.replace('alice@example.com', address) })
          : new Request(`https://autoconfig.example.com/mobileconfig?emailaddress=${encodeURIComponent(address)}`)
      return Promise.resolve(worker.fetch(request, bindings)).then(async (r) => ({ kind, status: r.status, retry: r.headers.get('Retry-After'), body: await r.text() }))
    })
    const plainRequests = Array.from({ length: CONCURRENCY }, (_, i) =>
      Promise.resolve(worker.fetch(new Request(configFor(`user${i}@plain.example`)), bindings)).then(async (r) => ({ status: r.status, body: await r.text() })),
    )
    const [ldap, plain] = await Promise.all([Promise.all(ldapRequests), Promise.all(plainRequests)])
    for (const answer of ldap) {
      expect(answer.status).toBe(503)
      expect(answer.retry).toBe('30')
      if (answer.kind === 1) expect(answer.body).toContain('<ErrorCode>603</ErrorCode>')
      else expect(answer.body).toBe('the user directory is unavailable; try again shortly')
    }
    for (const answer of plain) {
      expect(answer.status).toBe(200)
      expect(answer.body).toContain('<username>%EMAILADDRESS%</username>')
    }
  })
})
