import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { createD1Db } from '../../src/db/client'
import { writeSeed } from '../../src/seed/write'
import { parseSeed, type SeedPlan } from '../../src/seed/format'
import { resetDatabase } from '../support/worker'

const db = () => createD1Db(env.DB)
const planOf = (document: unknown): SeedPlan => {
  const result = parseSeed(document)
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value
}
const rows = async (sql: string) => (await env.DB.prepare(sql).all()).results

beforeEach(resetDatabase)

describe('writeSeed', () => {
  it('keeps explicit ids and numbers the other rows after the highest id in use', async () => {
    await env.DB.prepare("INSERT INTO provider (id, name, short_name) VALUES (20, 'Old', 'Old')").run()
    const written = await writeSeed(db(), planOf({
      version: 2,
      providers: [{ id: 5, provider: 'Five', domains: [{ id: 40, name: 'five.example' }] }, { provider: 'Next', domains: ['next.example'] }],
      servers: [{ type: 'imap', name: 'imap.example' }],
    }))
    expect(written.ok).toBe(true)
    expect(await rows('SELECT id, name FROM provider ORDER BY id')).toEqual([
      { id: 5, name: 'Five' }, { id: 20, name: 'Old' }, { id: 21, name: 'Next' },
    ])
    expect(await rows('SELECT id, name, provider_id FROM domain ORDER BY id')).toEqual([
      { id: 40, name: 'five.example', provider_id: 5 }, { id: 41, name: 'next.example', provider_id: 21 },
    ])
  })

  it('links each server only to the domains it lists', async () => {
    await writeSeed(db(), planOf({
      provider: 'P', domains: ['a.example', 'b.example'],
      servers: [{ type: 'imap', name: 'imap.a.example', domains: ['a.example'] }, { type: 'caldav', url: 'https://dav.example/', domains: ['b.example'] }],
    }))
    expect(await rows('SELECT d.name FROM server_domain JOIN domain d ON d.id = domain_id')).toEqual([{ name: 'a.example' }])
    expect(await rows('SELECT d.name FROM davserver_domain JOIN domain d ON d.id = domain_id')).toEqual([{ name: 'b.example' }])
  })

  // D1 allows at most 100 bound parameters per statement; 120 domains × 4 columns needs several.
  it('writes more rows than one statement may bind', async () => {
    const domains = Array.from({ length: 120 }, (_, i) => `d${i}.example`)
    const written = await writeSeed(db(), planOf({ provider: 'Big', domains, servers: [{ type: 'imap', name: 'imap.example' }] }))
    expect(written).toEqual({ ok: true, value: { providers: 1, domains: 120, servers: 1, davservers: 0, urlservers: 0, sieveservers: 0, ldapservers: 0 } })
    expect(await rows('SELECT count(*) AS n FROM server_domain')).toEqual([{ n: 120 }])
  })

  it('replaces everything in the same batch with { replace: true }', async () => {
    await writeSeed(db(), planOf({ provider: 'Old', domains: ['old.example', 'kept.example'], servers: [{ type: 'imap', name: 'imap.old.example' }] }))
    const written = await writeSeed(db(), planOf({ provider: 'New', domains: ['kept.example'] }), { replace: true })
    expect(written.ok).toBe(true)
    expect(await rows('SELECT id, name FROM provider')).toEqual([{ id: 1, name: 'New' }])
    expect(await rows('SELECT name FROM domain')).toEqual([{ name: 'kept.example' }])
    expect(await rows('SELECT count(*) AS n FROM server')).toEqual([{ n: 0 }])
  })

  it('leaves the database untouched when a replacing batch fails', async () => {
    await writeSeed(db(), planOf({ provider: 'Old', domains: ['old.example'] }))
    // Two domains with the same explicit id pass validation only if hand-built; the batch then fails late.
    const bad: SeedPlan = { ...planOf({ provider: 'New', domains: ['a.example', 'b.example'] }) }
    const [entry] = bad.providers
    if (!entry) throw new Error('fixture')
    const clashing: SeedPlan = { ...bad, providers: [{ ...entry, domains: entry.domains.map((d) => ({ ...d, id: 1 })) }] }
    expect(await writeSeed(db(), clashing, { replace: true })).toEqual({ ok: false, error: 'conflict' })
    expect(await rows('SELECT name FROM domain')).toEqual([{ name: 'old.example' }])
  })
})
