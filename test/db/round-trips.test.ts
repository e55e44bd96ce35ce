import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/worker'
import sample from '../../seed/sample.json'
import { countingD1 } from '../support/counting-d1'
import { resetDatabase, seed } from '../support/worker'

beforeEach(async () => {
  await resetDatabase()
  await seed(sample)
})

// Workerd-only: counts statements through a wrapped D1 binding; the libsql counterpart is
// test/db/round-trips.node.test.ts. Design card: one database round trip per config request.
describe('database round trips per config request', () => {
  it.each([
    ['a known domain', 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.net', 200],
    ['an unknown domain', 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40nowhere.example', 404],
    ['a request without an address', 'https://autoconfig.example.org/mail/config-v1.1.xml', 200],
  ])('Autoconfig for %s sends one statement in one round trip', async (_case, url, status) => {
    const counter = countingD1(env.DB)
    const response = await worker.fetch(new Request(url), { ...env, DB: counter.binding })
    expect(response.status).toBe(status)
    expect(counter.statements).toHaveLength(1)
    expect(counter.roundTrips()).toBe(1)
  })

  const POX_BODY = (address: string) =>
    `<Autodiscover><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`

  it.each([
    ['a known domain', 'a@example.net', '<Protocol>'],
    ['an unknown domain', 'a@nowhere.example', '<ErrorCode>500</ErrorCode>'],
  ])('Autodiscover POX for %s sends one statement in one round trip', async (_case, address, expected) => {
    const counter = countingD1(env.DB)
    const request = new Request('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', body: POX_BODY(address) })
    const response = await worker.fetch(request, { ...env, DB: counter.binding })
    expect(await response.text()).toContain(expected)
    expect(counter.statements).toHaveLength(1)
    expect(counter.roundTrips()).toBe(1)
  })

  it('Autodiscover v2 sends one statement in one round trip', async () => {
    const counter = countingD1(env.DB)
    const url = 'https://autodiscover.example.com/autodiscover/autodiscover.json?Email=a%40example.net&Protocol=AutodiscoverV1'
    const response = await worker.fetch(new Request(url), { ...env, DB: counter.binding })
    expect(response.status).toBe(200)
    expect(counter.roundTrips()).toBe(1)
  })

  it('sends nothing for an Autodiscover request refused before the lookup', async () => {
    const counter = countingD1(env.DB)
    const request = new Request('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', body: POX_BODY('nope') })
    const response = await worker.fetch(request, { ...env, DB: counter.binding })
    expect(await response.text()).toContain('<ErrorCode>600</ErrorCode>')
    expect(counter.roundTrips()).toBe(0)
  })

  it('sends nothing for a request refused before the lookup', async () => {
    const counter = countingD1(env.DB)
    const response = await worker.fetch(new Request('https://x.example/mail/config-v1.1.xml?emailaddress=nope'), { ...env, DB: counter.binding })
    expect(response.status).toBe(400)
    expect(counter.roundTrips()).toBe(0)
  })

  it('counts batches as one round trip (the counter itself is sound)', async () => {
    const counter = countingD1(env.DB)
    await counter.binding.batch([counter.binding.prepare('SELECT 1'), counter.binding.prepare('SELECT 2')])
    await counter.binding.prepare('SELECT 3').first()
    expect(counter.statements).toHaveLength(3)
    expect(counter.roundTrips()).toBe(2)
  })
})

// The lookup is a prepared query, built once per database handle and then only executed: the
// counter must still see every execution (with the domain cache off, each request is one).
describe('database round trips with the domain cache off', () => {
  it('counts one round trip for each of several requests on one database handle', async () => {
    const counter = countingD1(env.DB)
    const bindings = { ...env, DB: counter.binding, CONFIG_CACHE_TTL_SECONDS: '0' }
    for (const domain of ['example.com', 'example.net', 'example.com']) {
      const response = await worker.fetch(new Request(`https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40${domain}`), bindings)
      expect(response.status).toBe(200)
    }
    expect(counter.roundTrips()).toBe(3)
    expect(counter.statements).toHaveLength(3)
  })
})
