/**
 * A value longer than automx2's `varchar(n)` (db/client.ts ValueTooLongError): on PostgreSQL and
 * MariaDB the database refuses it, and the admin API answers 400 naming the problem, not 503, with
 * nothing written (an import is one transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { adminHeaders, seed, tableCounts } from '../support/target'

const LONG_URL = `https://dav.example.com/${'calendars/'.repeat(15)}`

const request = (target: NodeTarget, method: string, path: string, body: unknown) =>
  target.fetch(path, { method, headers: { ...adminHeaders(target), 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

describe.each(['postgresql', 'mysql'] as const)('a value too long for automx2\'s columns on %s', (database) => {
  let target: NodeTarget
  beforeAll(async () => {
    target = await startNodeTarget({}, { database })
    await target.reset()
    expect((await seed(target, { version: 2, provider: 'Example', domains: ['example.com'], servers: [{ type: 'imap', name: 'imap.example.com' }] })).status).toBe(200)
  })
  afterAll(() => target.stop())

  it('answers 400 with the reason, for a resource and for an import, and writes nothing', async () => {
    expect(LONG_URL.length).toBeGreaterThan(128)
    const before = await tableCounts(target)
    const created = await request(target, 'POST', '/admin/davservers', { type: 'caldav', url: LONG_URL })
    expect(created.status).toBe(400)
    expect(((await created.json()) as { error: string }).error).toMatch(/^a value is longer than the database allows.*128 characters in names and URLs/)
    const imported = await request(target, 'POST', '/admin/import?replace=true', { version: 2, provider: 'Other', domains: ['other.example'], servers: [{ type: 'carddav', url: LONG_URL }] })
    expect(imported.status).toBe(400)
    expect(await tableCounts(target)).toEqual(before)
  })
})
