/**
 * The domain cache in the app: a repeated request within the TTL costs no database round trip,
 * unknown domains are cached too, and every admin write clears the cache (src/admin/auth.ts).
 * Everything here goes through one counting D1 binding, so the config requests and the admin
 * writes share one database handle and therefore one cache, as in a deployed isolate.
 */
import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app/create-app'
import worker from '../../src/worker'
import sample from '../../seed/sample.json'
import { countingD1, type D1Counter } from '../support/counting-d1'
import { ADMIN, resetDatabase, seed } from '../support/worker'

let counter: D1Counter

beforeEach(async () => {
  await resetDatabase()
  expect((await seed(sample)).status).toBe(200)
  counter = countingD1(env.DB)
})

async function send(path: string, init: RequestInit = {}, bindings: Record<string, string> = {}): Promise<Response> {
  const request = new Request(new URL(path, 'https://autoconfig.example.com'), init)
  return worker.fetch(request, { ...env, DB: counter.binding, ...bindings })
}

function adminWrite(method: string, path: string, body?: unknown): Promise<Response> {
  const headers = { ...ADMIN, 'Content-Type': 'application/json' }
  return send(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
}

/** Round trips the given requests cost together. */
async function roundTripsOf(...requests: (() => Promise<Response>)[]): Promise<number> {
  const before = counter.roundTrips()
  for (const next of requests) await (await next()).arrayBuffer()
  return counter.roundTrips() - before
}

const autoconfig = (address = 'a@example.net') => () => send(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`)
const POX_BODY = (address: string) =>
  `<Autodiscover><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`
const pox = (address: string) => () => send('/autodiscover/autodiscover.xml', { method: 'POST', body: POX_BODY(address) })
const profile = (address: string) => () => send(`/mobileconfig?emailaddress=${encodeURIComponent(address)}`)
const v2 = (address: string) => () => send(`/autodiscover/autodiscover.json?Email=${encodeURIComponent(address)}&Protocol=AutodiscoverV1`)

describe('domain cache: round trips', () => {
  it('answers a repeated request for a domain without asking the database, in every protocol', async () => {
    expect(await roundTripsOf(autoconfig('a@example.net'))).toBe(1)
    expect(await roundTripsOf(autoconfig('a@example.net'), autoconfig('b@Example.NET'), pox('c@example.net'), profile('d@example.net'), v2('e@example.net'))).toBe(0)
    // The cache is per domain: another domain costs its own single round trip.
    expect(await roundTripsOf(autoconfig('a@example.com'))).toBe(1)
  })

  it('gives the cached answer the same content as the first one', async () => {
    const first = await (await autoconfig()()).text()
    const second = await autoconfig()()
    expect(second.status).toBe(200)
    expect(await second.text()).toBe(first)
  })

  it('caches an unknown domain too (negative entry)', async () => {
    expect(await roundTripsOf(autoconfig('a@nowhere.example'))).toBe(1)
    const again = await autoconfig('a@nowhere.example')()
    expect(again.status).toBe(404)
    expect(await roundTripsOf(autoconfig('b@nowhere.example'), pox('c@nowhere.example'))).toBe(0)
  })

  it('asks the database every time with CONFIG_CACHE_TTL_SECONDS=0', async () => {
    const uncached = () => send('/mail/config-v1.1.xml?emailaddress=a%40example.net', {}, { CONFIG_CACHE_TTL_SECONDS: '0' })
    expect(await roundTripsOf(uncached, uncached, uncached)).toBe(3)
  })

  it('keeps the caches of two databases apart', async () => {
    // Another app over the same D1 but through another binding object: a separate cache.
    expect(await roundTripsOf(autoconfig())).toBe(1)
    const other = countingD1(env.DB)
    const response = await createApp().fetch(new Request('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.net'), { ...env, DB: other.binding })
    expect(response.status).toBe(200)
    expect(other.roundTrips()).toBe(1)
  })
})

const LDAP = { name: 'ldap.example.com', search_base: 'ou=people,dc=example', bind_user: 'cn=reader', bind_password: 'pw' }
const EAS = { url: 'https://eas.example.com/Microsoft-Server-ActiveSync' }
const IMAP = { type: 'imap', name: 'imap2.example.com' }
const CALDAV = { type: 'caldav', url: 'https://dav2.example.com/caldav/' }
const JMAP = { type: 'jmap', url: 'https://jmap.example.com/session' }
const SIEVE = { name: 'sieve.example.com' }

interface WriteCase {
  /** The route as the app registers it, `METHOD /path/:param`. */
  readonly route: string
  readonly path: string
  readonly body?: unknown
  /** Makes the write possible (through the same binding); runs before the cache is warmed. */
  readonly prepare?: () => Promise<unknown>
}

// The sample seed (into an empty database) has provider 1, domains example.com/.net/.org (ids 1-3),
// servers 1-4 (imap, pop, smtp, smtp) and DAV servers 1-2, all linked to every domain.
const WRITES: readonly WriteCase[] = [
  { route: 'GET /initdb', path: '/initdb/', prepare: () => adminWrite('DELETE', '/initdb/') },
  { route: 'POST /initdb', path: '/initdb/', body: sample, prepare: () => adminWrite('DELETE', '/initdb/') },
  { route: 'DELETE /initdb', path: '/initdb/' },
  { route: 'POST /admin/import', path: '/admin/import?replace=true', body: sample },
  { route: 'POST /admin/providers', path: '/admin/providers', body: { name: 'Acme' } },
  { route: 'PUT /admin/providers/:id', path: '/admin/providers/1', body: { name: 'Example Corp', short_name: 'Example' } },
  { route: 'DELETE /admin/providers/:id', path: '/admin/providers/2', prepare: () => adminWrite('POST', '/admin/providers', { name: 'Spare' }) },
  { route: 'POST /admin/domains', path: '/admin/domains', body: { name: 'acme.example', provider_id: 1 } },
  { route: 'PUT /admin/domains/:key', path: '/admin/domains/example.org', body: { name: 'example.org', provider_id: 1, ldapserver_id: null } },
  { route: 'DELETE /admin/domains/:key', path: '/admin/domains/example.org' },
  { route: 'PUT /admin/domains/:key/activesync', path: '/admin/domains/example.net/activesync', body: EAS },
  { route: 'DELETE /admin/domains/:key/activesync', path: '/admin/domains/example.net/activesync', prepare: () => adminWrite('PUT', '/admin/domains/example.net/activesync', EAS) },
  { route: 'POST /admin/servers', path: '/admin/servers', body: IMAP },
  { route: 'PUT /admin/servers/:id', path: '/admin/servers/1', body: { ...IMAP, port: 143, socket_type: 'STARTTLS' } },
  { route: 'DELETE /admin/servers/:id', path: '/admin/servers/2' },
  { route: 'PUT /admin/servers/:id/domains/:domain', path: '/admin/servers/5/domains/example.net', prepare: () => adminWrite('POST', '/admin/servers', IMAP) },
  { route: 'DELETE /admin/servers/:id/domains/:domain', path: '/admin/servers/1/domains/example.net' },
  { route: 'POST /admin/davservers', path: '/admin/davservers', body: CALDAV },
  { route: 'PUT /admin/davservers/:id', path: '/admin/davservers/1', body: { ...CALDAV, port: 8443 } },
  { route: 'DELETE /admin/davservers/:id', path: '/admin/davservers/2' },
  { route: 'PUT /admin/davservers/:id/domains/:domain', path: '/admin/davservers/3/domains/example.net', prepare: () => adminWrite('POST', '/admin/davservers', CALDAV) },
  { route: 'DELETE /admin/davservers/:id/domains/:domain', path: '/admin/davservers/1/domains/example.net' },
  { route: 'POST /admin/urlservers', path: '/admin/urlservers', body: JMAP },
  { route: 'PUT /admin/urlservers/:id', path: '/admin/urlservers/1', body: { ...JMAP, user_name: '%EMAILLOCALPART%' }, prepare: () => adminWrite('POST', '/admin/urlservers', JMAP) },
  { route: 'DELETE /admin/urlservers/:id', path: '/admin/urlservers/1', prepare: () => adminWrite('POST', '/admin/urlservers', JMAP) },
  { route: 'PUT /admin/urlservers/:id/domains/:domain', path: '/admin/urlservers/1/domains/example.net', prepare: () => adminWrite('POST', '/admin/urlservers', JMAP) },
  { route: 'DELETE /admin/urlservers/:id/domains/:domain', path: '/admin/urlservers/1/domains/example.net', prepare: async () => (await adminWrite('POST', '/admin/urlservers', JMAP)).ok && adminWrite('PUT', '/admin/urlservers/1/domains/example.net') },
  { route: 'POST /admin/sieveservers', path: '/admin/sieveservers', body: SIEVE },
  { route: 'PUT /admin/sieveservers/:id', path: '/admin/sieveservers/1', body: { ...SIEVE, user_name: '%EMAILLOCALPART%' }, prepare: () => adminWrite('POST', '/admin/sieveservers', SIEVE) },
  { route: 'DELETE /admin/sieveservers/:id', path: '/admin/sieveservers/1', prepare: () => adminWrite('POST', '/admin/sieveservers', SIEVE) },
  { route: 'PUT /admin/sieveservers/:id/domains/:domain', path: '/admin/sieveservers/1/domains/example.net', prepare: () => adminWrite('POST', '/admin/sieveservers', SIEVE) },
  { route: 'DELETE /admin/sieveservers/:id/domains/:domain', path: '/admin/sieveservers/1/domains/example.net', prepare: async () => (await adminWrite('POST', '/admin/sieveservers', SIEVE)).ok && adminWrite('PUT', '/admin/sieveservers/1/domains/example.net') },
  { route: 'POST /admin/ldapservers', path: '/admin/ldapservers', body: LDAP },
  { route: 'PUT /admin/ldapservers/:id', path: '/admin/ldapservers/1', body: { ...LDAP, port: 636 }, prepare: () => adminWrite('POST', '/admin/ldapservers', LDAP) },
  { route: 'DELETE /admin/ldapservers/:id', path: '/admin/ldapservers/1', prepare: () => adminWrite('POST', '/admin/ldapservers', LDAP) },
]

describe('domain cache: invalidation by admin writes', () => {
  it('has a case for every route that can write (so a new write route needs one)', () => {
    const writeRoutes = new Set(
      createApp()
        .routes.filter(({ path }) => path.startsWith('/admin/') || path.startsWith('/initdb'))
        .filter(({ method, path }) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) || (method === 'GET' && path.startsWith('/initdb')))
        .map(({ method, path }) => `${method} ${path.replace(/\/$/, '')}`),
    )
    expect(new Set(WRITES.map((w) => w.route))).toEqual(writeRoutes)
  })

  it.each(WRITES.map((w) => [w.route, w] as const))('%s clears the cache', async (_route, write) => {
    const prepared = await write.prepare?.()
    if (prepared instanceof Response) expect(prepared.status).toBeLessThan(300)
    // Warm: the first request asks the database, the second is served from the cache.
    expect(await roundTripsOf(autoconfig())).toBe(1)
    expect(await roundTripsOf(autoconfig())).toBe(0)

    const [method] = write.route.split(' ')
    const response = await adminWrite(method ?? 'GET', write.path, write.body)
    expect(response.status, await response.clone().text()).toBeLessThan(300)

    expect(await roundTripsOf(autoconfig())).toBe(1)
  })

  it('serves changed data right after the write', async () => {
    expect((await autoconfig()()).status).toBe(200)
    expect(await (await adminWrite('PUT', '/admin/servers/1', { ...IMAP, port: 143, socket_type: 'STARTTLS' })).text()).toContain('imap2.example.com')
    expect(await (await autoconfig()()).text()).toContain('<hostname>imap2.example.com</hostname>')

    expect((await adminWrite('DELETE', '/admin/domains/example.net')).status).toBe(200)
    expect((await autoconfig()()).status).toBe(404)
  })

  it('forgets a cached unknown domain once it is added', async () => {
    expect((await autoconfig('a@acme.example')()).status).toBe(404)
    expect((await adminWrite('POST', '/admin/domains', { name: 'acme.example', provider_id: 1 })).status).toBe(201)
    expect((await autoconfig('a@acme.example')()).status).toBe(200)
  })

  it('keeps the cache on admin reads', async () => {
    expect(await roundTripsOf(autoconfig())).toBe(1)
    for (const path of ['/admin/export', '/admin/providers', '/admin/domains/example.net', '/admin/dns/example.net']) {
      expect((await send(path, { headers: ADMIN })).status).toBe(200)
    }
    expect(await roundTripsOf(autoconfig())).toBe(0)
  })

  it('keeps the cache when a write is refused for a missing or wrong token', async () => {
    expect(await roundTripsOf(autoconfig())).toBe(1)
    const refused = await send('/initdb/', { method: 'DELETE', headers: { Authorization: 'Bearer wrong' } })
    expect(refused.status).toBe(401)
    expect((await send('/admin/providers', { method: 'POST', body: '{"name":"x"}' })).status).toBe(401)
    expect(await roundTripsOf(autoconfig())).toBe(0)
  })
})
