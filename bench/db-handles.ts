/**
 * `npm run bench:db-handles`: what a Drizzle handle over a D1 session costs to make, per request,
 * in Node (the JavaScript is the same in workerd; workerd's clock does not advance during pure
 * computation, so it cannot be timed there). The D1 client is a stand-in that prepares nothing:
 * only Drizzle's own work is measured. `--time <ms>` per case (default 1000).
 *
 * - drizzle(client, { schema }): what the D1 driver's entry does, walking the whole schema;
 * - createD1Db(client) (src/db/client.ts): the same handle from the schema walked once;
 * - building the prepared domain lookup (src/db/domain-query.ts), which db/database.ts keeps per
 *   isolate rather than per session.
 */
import { drizzle } from 'drizzle-orm/d1'
import * as schema from '../schema/schema'
import { createD1Db } from '../src/db/client'
import { findDomainConfig } from '../src/db/domain-query'

const timeArg = process.argv.indexOf('--time')
const TIME_MS = timeArg > 0 ? Number(process.argv[timeArg + 1]) : 1000
if (!Number.isFinite(TIME_MS) || TIME_MS <= 0) throw new Error('--time needs a positive number of milliseconds')

// Answers every statement with no rows: enough for Drizzle to prepare, bind and map.
const statement = { bind: () => statement, raw: async () => [], all: async () => ({ results: [] }), first: async () => null, run: async () => ({}) }
const client = { prepare: () => statement, batch: async () => [], exec: async () => ({}), withSession: () => client, dump: async () => new ArrayBuffer(0) } as unknown as D1Database

async function measure(name: string, run: () => unknown): Promise<void> {
  for (let i = 0; i < 200; i++) await run()
  let count = 0
  const started = performance.now()
  while (performance.now() - started < TIME_MS) {
    await run()
    count++
  }
  const us = ((performance.now() - started) * 1000) / count
  console.log(`${name.padEnd(58)} ${us.toFixed(2).padStart(9)} µs`)
}

await measure('drizzle(client, { schema })', () => drizzle(client, { schema }))
await measure('createD1Db(client)', () => createD1Db(client))
// A new handle each time: findDomainConfig prepares the lookup once per handle.
await measure('createD1Db + the domain lookup prepared and run (per session)', () => findDomainConfig(createD1Db(client), 'example.com'))
const kept = createD1Db(client)
await measure('the domain lookup run on a kept handle (prepared once)', () => findDomainConfig(kept, 'example.com'))
