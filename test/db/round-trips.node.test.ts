/** Design card: one database round trip per config request, on libsql as on D1 (test/db/round-trips.test.ts). */
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { createApp } from '../../src/app/create-app'
import { createLibsqlDb } from '../../src/db/libsql'
import { singleHandle } from '../../src/db/database'
import { seed } from '../support/target'
import { countingLibsql } from '../support/node/counting-libsql'
import { libsqlClient, startNodeTarget } from '../support/node/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())
const BINDINGS = { LOG_LEVEL: 'warn' }

beforeEach(async () => {
  await target.reset()
  expect((await seed(target, sample)).status).toBe(200)
})

describe('libsql round trips per config request', () => {
  it.each([
    ['a known domain', 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.net', 200],
    ['an unknown domain', 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40nowhere.example', 404],
    ['a request without an address', 'https://autoconfig.example.org/mail/config-v1.1.xml', 200],
  ])('Autoconfig for %s sends one statement in one round trip', async (_case, url, status) => {
    const counter = countingLibsql(libsqlClient(target))
    const app = createApp({ database: () => singleHandle(createLibsqlDb(counter.client)) })
    const response = await app.fetch(new Request(url), BINDINGS)
    expect(response.status).toBe(status)
    expect(counter.statements).toHaveLength(1)
    expect(counter.roundTrips()).toBe(1)
    expect(counter.transactions).toBe(0)
  })

  it('sends nothing for a repeated request within the cache window (one database handle, one cache)', async () => {
    const counter = countingLibsql(libsqlClient(target))
    const db = singleHandle(createLibsqlDb(counter.client))
    const app = createApp({ database: () => db })
    for (const address of ['a%40example.net', 'b%40example.net', 'a%40nowhere.example', 'b%40nowhere.example']) {
      await app.fetch(new Request(`https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=${address}`), BINDINGS)
    }
    expect(counter.roundTrips()).toBe(2)
  })

  it('sends nothing for a request refused before the lookup', async () => {
    const counter = countingLibsql(libsqlClient(target))
    const app = createApp({ database: () => singleHandle(createLibsqlDb(counter.client)) })
    const response = await app.fetch(new Request('https://x.example/mail/config-v1.1.xml?emailaddress=nope'), BINDINGS)
    expect(response.status).toBe(400)
    expect(counter.roundTrips()).toBe(0)
  })

  it('counts a batch as one round trip (the counter itself is sound)', async () => {
    const counter = countingLibsql(libsqlClient(target))
    await counter.client.batch(['SELECT 1', 'SELECT 2'], 'read')
    await counter.client.execute('SELECT 3')
    expect(counter.statements).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3'])
    expect(counter.roundTrips()).toBe(2)
  })

  it('writes a seed in one batch after two reads (count, next ids)', async () => {
    await target.reset()
    const counter = countingLibsql(libsqlClient(target))
    const app = createApp({ database: () => singleHandle(createLibsqlDb(counter.client)) })
    const response = await app.fetch(
      new Request('https://x.example/initdb/', { method: 'POST', headers: { Authorization: 'Bearer round-trip-admin-token' }, body: JSON.stringify(sample) }),
      { ...BINDINGS, ADMIN_TOKEN: 'round-trip-admin-token' },
    )
    expect(response.status).toBe(200)
    expect(counter.roundTrips()).toBe(3)
    expect(counter.transactions).toBe(0)
  })
})
