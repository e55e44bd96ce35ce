/**
 * D1 read replication through the Sessions API (src/db/database.ts, src/db/d1-sessions.ts): config
 * reads in a `first-unconstrained` session each (a replica may answer), an admin request in one
 * `first-primary` session, and reads after an admin write starting from its bookmark.
 * Workerd-only: miniflare's D1 implements sessions and bookmarks (one local database, so no replica
 * ever lags here; what is tested is which session each statement runs in and what it starts from).
 */
import { env } from 'cloudflare:test'
import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/worker'
import sample from '../../seed/sample.json'
import { createD1Db } from '../../src/db/client'
import { d1Database, singleHandle } from '../../src/db/database'
import { sessionPerExecution } from '../../src/db/d1-sessions'
import { countingD1, type D1Counter } from '../support/counting-d1'
import { ADMIN, resetDatabase, seed } from '../support/worker'

let counter: D1Counter

beforeEach(async () => {
  await resetDatabase()
  expect((await seed(sample)).status).toBe(200)
  counter = countingD1(env.DB)
})

const send = (path: string, init: RequestInit = {}, bindings: Record<string, string> = {}) =>
  worker.fetch(new Request(new URL(path, 'https://autoconfig.example.com'), init), { ...env, DB: counter.binding, ...bindings })

const autoconfig = (address: string, bindings: Record<string, string> = {}) =>
  send(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`, {}, bindings)

describe('sessions in the local D1', () => {
  it('returns a bookmark after a query, and a session opened at it reads', async () => {
    const session = env.DB.withSession('first-primary')
    expect(session.getBookmark()).toBeNull()
    await session.prepare('SELECT 1').run()
    const bookmark = session.getBookmark()
    expect(bookmark).toMatch(/\S/)
    const later = env.DB.withSession(bookmark ?? 'unreachable')
    expect(await later.prepare('SELECT 2 AS two').first('two')).toBe(2)
  })
})

describe('config reads', () => {
  it('run each lookup in a session of its own that may start on a replica', async () => {
    for (const address of ['a@example.com', 'b@example.com']) expect((await autoconfig(address, { CONFIG_CACHE_TTL_SECONDS: '0' })).status).toBe(200)
    expect(counter.sessions.map((s) => [s.opened, s.statements.length])).toEqual([
      ['first-unconstrained', 1],
      ['first-unconstrained', 1],
    ])
    expect(counter.statements).toHaveLength(2)
  })

  it('open no session when the domain cache answers', async () => {
    await (await autoconfig('a@example.com')).arrayBuffer()
    const opened = counter.sessions.length
    expect((await autoconfig('b@example.com')).status).toBe(200)
    expect(counter.sessions).toHaveLength(opened)
  })

  it('answer /healthz through a read session', async () => {
    expect((await send('/healthz')).status).toBe(200)
    expect(counter.sessions.map((s) => s.opened)).toEqual(['first-unconstrained'])
  })
})

describe('admin requests', () => {
  const createDomain = async () => {
    // Read past the counter: only the admin request's own statements are counted.
    const providerId = await env.DB.prepare('SELECT id FROM provider ORDER BY id LIMIT 1').first<number>('id')
    const body = JSON.stringify({ name: 'new.example', provider_id: providerId })
    return send('/admin/domains', { method: 'POST', headers: { ...ADMIN, 'Content-Type': 'application/json' }, body })
  }

  it('run every statement of the request in one session that starts on the primary', async () => {
    const response = await createDomain()
    expect(response.ok).toBe(true)
    expect(counter.sessions.map((s) => s.opened)).toEqual(['first-primary'])
    expect(counter.sessions[0]?.statements.length).toBeGreaterThan(1)
    expect(counter.sessions[0]?.statements).toEqual(counter.statements)
  })

  it('make later reads in the isolate start from the write, which they then see', async () => {
    expect((await autoconfig('a@new.example')).status).toBe(404)
    expect((await createDomain()).ok).toBe(true)
    const admin = counter.sessions.find((s) => s.opened === 'first-primary')
    const bookmark = admin?.session.getBookmark()
    expect(bookmark).toMatch(/\S/)
    expect((await autoconfig('a@new.example')).status).toBe(200)
    expect(counter.sessions.at(-1)?.opened).toBe(bookmark)
  })

  it('leave reads unconstrained after an admin request that only read', async () => {
    expect((await send('/admin/providers', { headers: ADMIN })).status).toBe(200)
    expect((await autoconfig('a@example.com')).status).toBe(200)
    expect(counter.sessions.map((s) => s.opened)).toEqual(['first-primary', 'first-unconstrained'])
  })

  it('open no session when refused', async () => {
    expect((await send('/admin/domains', { method: 'POST', headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401)
    expect(counter.sessions).toEqual([])
  })
})

describe('a session per execution (the kept read handle)', () => {
  it('runs each execution of one prepared query in a new session, concurrent ones too', async () => {
    const db = createD1Db(sessionPerExecution(counter.binding, () => counter.binding.withSession('first-unconstrained')))
    const prepared = db.select({ n: sql<number>`${sql.placeholder('n')} + 1` }).from(sql`(SELECT 1)`).prepare()
    const results = await Promise.all([1, 2, 3].map((n) => prepared.get({ n })))
    expect(results).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }])
    expect(counter.sessions.map((s) => s.statements.length)).toEqual([1, 1, 1])
  })

  it('runs a batch in one session', async () => {
    const db = createD1Db(sessionPerExecution(counter.binding, () => counter.binding.withSession('first-unconstrained')))
    const results = await db.batch([db.all(sql`SELECT 1 AS n`), db.all(sql`SELECT 2 AS n`)])
    expect(results).toEqual([[{ n: 1 }], [{ n: 2 }]])
    expect(counter.sessions.map((s) => s.statements.length)).toEqual([2])
  })

  it('gives one Database per single handle, so apps on one handle share a domain cache', () => {
    const db = createD1Db(env.DB)
    expect(singleHandle(db)).toBe(singleHandle(db))
    expect(singleHandle(createD1Db(env.DB))).not.toBe(singleHandle(db))
  })

  it('keeps one read handle per binding, so the bookmark floor and the prepared lookup outlive the request', () => {
    const database = d1Database(counter.binding)
    expect(database.reads).toBe(database.reads)
    expect(database.admin().db).not.toBe(database.admin().db)
  })
})
