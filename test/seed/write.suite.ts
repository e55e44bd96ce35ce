/**
 * writeSeed's guards on every driver (issue 14, finding 3): "needs an empty database" is checked
 * inside the write's own batch, so a row written between the route's check and the write makes
 * the whole batch fail instead of being merged with it.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { parseSeed, type SeedPlan } from '../../src/seed/format'
import { writeSeed } from '../../src/seed/write'
import { tableContents } from '../support/admin-client'
import type { ProtocolTarget } from '../support/target'

const planOf = (document: unknown): SeedPlan => {
  const result = parseSeed(document)
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value
}

const PLAN = () => planOf({ provider: 'New', domains: ['new.example'], servers: [{ type: 'imap', name: 'imap.new.example' }] })

export function describeWriteGuards(target: ProtocolTarget): void {
  describe(`writeSeed on ${target.name}`, () => {
    beforeEach(() => target.reset())

    it.each([
      ['providers', "INSERT INTO provider (id, name, short_name) VALUES (7, 'Raced', 'Raced')"],
      ['everything', "INSERT INTO provider (id, name, short_name) VALUES (7, 'Raced', 'Raced')"],
      // Every NOT NULL column named: automx2's tables on PostgreSQL and MySQL have no defaults for them.
      ['everything', "INSERT INTO ldapserver (id, name, port, use_ssl, search_base, search_filter, attr_uid) VALUES (3, 'ldap.example', 636, TRUE, 'dc=x', '(mail={0})', 'uid')"],
    ] as const)('with requireEmpty=%s refuses a database that is not (%s), writing nothing', async (requireEmpty, raced) => {
      await target.query(raced)
      const before = await tableContents(target)
      expect(await writeSeed(target.db, PLAN(), { requireEmpty })).toEqual({ ok: false, error: 'conflict' })
      expect(await tableContents(target)).toEqual(before)
    })

    it('with requireEmpty=providers writes next to rows that are not providers (automx2 /initdb/ semantics)', async () => {
      await target.query("INSERT INTO ldapserver (id, name, port, use_ssl, search_base, search_filter, attr_uid) VALUES (3, 'ldap.example', 636, TRUE, 'dc=x', '(mail={0})', 'uid')")
      expect((await writeSeed(target.db, PLAN(), { requireEmpty: 'providers' })).ok).toBe(true)
      expect((await tableContents(target)).provider).toEqual([expect.objectContaining({ name: 'New' })])
    })

    it('writes into an empty database', async () => {
      expect((await writeSeed(target.db, PLAN(), { requireEmpty: 'everything' })).ok).toBe(true)
    })
  })
}
