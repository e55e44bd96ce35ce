/**
 * Issue 9: the admin surface under attack. Every /admin/ and /initdb/ route refuses every way of
 * sending a token other than `Authorization: Bearer`; a brute force of wrong tokens leaves config
 * requests answering; the rate-limit binding, when configured, cuts one address off with 429.
 */
import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/worker'
import sample from '../../seed/sample.json'
import { tableContents as tableContentsOf } from '../support/admin-client'
import { workerTarget } from '../support/worker-target'
import { ADMIN, request, resetDatabase, seed } from '../support/worker'

// These tests need workerd-only facilities (see each describe); tables are read through the D1 target.
const tableContents = () => tableContentsOf(workerTarget)

beforeEach(async () => {
  await resetDatabase()
  await seed(sample)
})

/** Every admin route (method, path) with a body where it takes one. */
const ROUTES: [string, string][] = [
  ['GET', '/initdb/'], ['POST', '/initdb/'], ['DELETE', '/initdb/'], ['GET', '/initdb'], ['POST', '/initdb'], ['DELETE', '/initdb'],
  ['GET', '/admin/openapi.json'], ['GET', '/admin/export'], ['GET', '/admin/export?include_secrets=true'],
  ['POST', '/admin/import'], ['POST', '/admin/import?replace=true'], ['GET', '/admin/dns/example.com'], ['GET', '/admin/doctor/example.com'],
  ['GET', '/admin/providers'], ['POST', '/admin/providers'], ['GET', '/admin/providers/1'], ['PUT', '/admin/providers/1'], ['DELETE', '/admin/providers/1?cascade=true'],
  ['GET', '/admin/domains'], ['POST', '/admin/domains'], ['GET', '/admin/domains/example.com'], ['PUT', '/admin/domains/1'], ['DELETE', '/admin/domains/example.com'],
  ['GET', '/admin/domains/example.com/activesync'], ['PUT', '/admin/domains/example.com/activesync'], ['DELETE', '/admin/domains/example.com/activesync'],
  ['GET', '/admin/servers'], ['POST', '/admin/servers'], ['GET', '/admin/servers/1'], ['PUT', '/admin/servers/1'], ['DELETE', '/admin/servers/1'],
  ['PUT', '/admin/servers/1/domains/example.com'], ['DELETE', '/admin/servers/1/domains/example.com'],
  ['GET', '/admin/davservers'], ['POST', '/admin/davservers'], ['PUT', '/admin/davservers/1'], ['DELETE', '/admin/davservers/1'],
  ['PUT', '/admin/davservers/1/domains/example.com'], ['DELETE', '/admin/davservers/1/domains/example.com'],
  ['GET', '/admin/ldapservers'], ['POST', '/admin/ldapservers'], ['PUT', '/admin/ldapservers/1'], ['DELETE', '/admin/ldapservers/1'],
  ['GET', '/admin/no-such-route'],
]
const BODY = JSON.stringify({ name: 'intruder.example', provider_id: 1, type: 'imap', url: 'https://evil.example/', version: 2, provider: 'Evil', domains: ['evil.example'] })
const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`

/** Ways of presenting the token (or a guess) that must all be refused. */
const REFUSED: [string, (path: string) => [string, Record<string, string>]][] = [
  ['no token', (path) => [path, {}]],
  ['a wrong bearer token', (path) => [path, { Authorization: `Bearer ${env.ADMIN_TOKEN}x` }]],
  ['a prefix of the token', (path) => [path, { Authorization: `Bearer ${env.ADMIN_TOKEN.slice(0, -1)}` }]],
  ['the token in ?token=', (path) => [withQuery(path, `token=${env.ADMIN_TOKEN}`), {}]],
  ['the token in ?access_token=', (path) => [withQuery(path, `access_token=${env.ADMIN_TOKEN}`), {}]],
  ['the token in ?ADMIN_TOKEN=', (path) => [withQuery(path, `ADMIN_TOKEN=${env.ADMIN_TOKEN}`), {}]],
  ['the token as Basic credentials', (path) => [path, { Authorization: `Basic ${btoa(`admin:${env.ADMIN_TOKEN}`)}` }]],
  ['the token without a scheme', (path) => [path, { Authorization: env.ADMIN_TOKEN }]],
  ['the token in another header', (path) => [path, { 'X-Admin-Token': env.ADMIN_TOKEN, Cookie: `token=${env.ADMIN_TOKEN}` }]],
]

describe('admin routes refuse anything but the bearer token', () => {
  it.each(ROUTES)('%s %s: 401 for each wrong way, nothing changed', async (method, path) => {
    const before = await tableContents()
    for (const [way, build] of REFUSED) {
      const [url, headers] = build(path)
      const response = await request(url, { method, headers, ...(method === 'GET' || method === 'DELETE' ? {} : { body: BODY }) })
      expect(response.status, way).toBe(401)
      expect(response.headers.get('WWW-Authenticate'), way).toMatch(/^Bearer/)
      expect(await response.json(), way).toEqual({ error: expect.stringContaining('Authorization: Bearer') })
    }
    expect(await tableContents()).toEqual(before)
  })
})

describe('a brute force of wrong tokens', () => {
  // Correctness only: that config requests keep answering while /admin is hammered. How much it
  // slows them is measured by bench/brute-force.mjs (timing thresholds do not belong in tests).
  it('leaves config requests answering, and the right token working', async () => {
    const guesses = Array.from({ length: 300 }, (_, i) =>
      request('/admin/providers', { headers: { Authorization: `Bearer guess-${i}-${'x'.repeat(i % 64)}` } }).then((r) => r.status),
    )
    const configs = Array.from({ length: 60 }, (_, i) =>
      request(`/mail/config-v1.1.xml?emailaddress=user${i}%40example.${['com', 'net', 'org'][i % 3]}`).then(async (r) => [r.status, await r.text()] as const),
    )
    const [guessed, configured] = await Promise.all([Promise.all(guesses), Promise.all(configs)])
    expect(new Set(guessed)).toEqual(new Set([401]))
    for (const [status, body] of configured) {
      expect(status).toBe(200)
      expect(body).toContain('<incomingServer type="imap">')
    }
    expect((await request('/admin/providers', { headers: ADMIN })).status).toBe(200)
  })
})

describe('ADMIN_RATE_LIMITER (Workers rate-limit binding, miniflare: 5 per 60 s)', () => {
  const limited = { ...env, ADMIN_RATE_LIMITER: env.RATE_LIMITER_UNDER_TEST }
  // A fresh address per test: the limiter's buckets outlive a test.
  const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`
  const send = (path: string, client: string, headers: Record<string, string> = {}) =>
    worker.fetch(new Request(`https://autoconfig.example.com${path}`, { headers: { 'CF-Connecting-IP': client, ...headers } }), limited)

  /**
   * Wrong guesses from one address until the first 429. Windows are aligned to the clock, so one
   * may roll over during the test and reset the count once: within 2 × 5 + 1 attempts it must come.
   */
  async function exhaust(client: string): Promise<{ before: number[]; refusal: Response }> {
    const before: number[] = []
    for (let attempt = 0; attempt < 11; attempt++) {
      const response = await send('/admin/providers', client, { Authorization: `Bearer wrong-${attempt}` })
      if (response.status === 429) return { before, refusal: response }
      before.push(response.status)
    }
    throw new Error(`no 429 after 11 attempts: ${before.join(',')}`)
  }

  it('answers 429 with Retry-After once an address has used its attempts, even with the right token', async () => {
    const client = address()
    const { before, refusal } = await exhaust(client)
    expect(before.length).toBeGreaterThanOrEqual(5)
    expect(new Set(before)).toEqual(new Set([401]))
    expect(refusal.headers.get('Retry-After')).toBe('60')
    expect(await refusal.json()).toEqual({ error: expect.stringContaining('too many admin requests') })
    const rightToken = await send('/initdb/', client, ADMIN)
    expect(rightToken.status).toBe(429)
    expect((await tableContents()).provider).toHaveLength(1)
  })

  it('limits only that address, and never the config routes', async () => {
    const attacker = address()
    await exhaust(attacker)
    const config = await send('/mail/config-v1.1.xml?emailaddress=alice%40example.com', attacker)
    expect(config.status).toBe(200)
    const pox = await worker.fetch(new Request('https://autodiscover.example.com/autodiscover/autodiscover.xml', {
      method: 'POST',
      headers: { 'CF-Connecting-IP': attacker },
      body: '<Autodiscover><Request><EMailAddress>alice@example.com</EMailAddress></Request></Autodiscover>',
    }), limited)
    expect(pox.status).toBe(200)
    const other = `203.0.113.${Math.floor(Math.random() * 250) + 1}`
    expect((await send('/admin/providers', other, ADMIN)).status).toBe(200)
  })

  it('is not consulted when no ADMIN_TOKEN is configured (the routes do not exist: 404)', async () => {
    const response = await worker.fetch(new Request('https://x.example/admin/providers', { headers: { 'CF-Connecting-IP': address() } }), { ...limited, ADMIN_TOKEN: undefined })
    expect(response.status).toBe(404)
  })
})
