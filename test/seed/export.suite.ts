/**
 * GET /admin/export (seed/export.ts) on every driver, for the provider columns of the landing page:
 * written out with the rest of the provider, and loaded back identically.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents } from '../support/admin-client'
import { seed, type ProtocolTarget } from '../support/target'

const BRAND = { logo_url: 'https://cdn.first.example/logo.svg', support_url: 'https://help.first.example/', support_email: 'help@first.example' }
const NO_BRAND = { logo_url: null, support_url: null, support_email: null }

export function describeExportOfProviders(target: ProtocolTarget): void {
  describe(`export of providers on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(() => target.reset())

    it('writes every provider column, set or not, and loads back row for row', async () => {
      const document = {
        version: 2,
        providers: [
          { provider: 'First Mail', domains: ['first.example'], ...BRAND },
          { provider: 'Second Mail', domains: ['second.example'] },
        ],
        servers: [{ type: 'imap', name: 'imap.first.example' }],
      }
      expect((await seed(target, document)).status).toBe(200)
      const before = await tableContents(target)
      expect(before.provider).toEqual([
        { id: 1, name: 'First Mail', short_name: 'First', ...BRAND },
        { id: 2, name: 'Second Mail', short_name: 'Second', ...NO_BRAND },
      ])
      const exported = await admin('GET', '/admin/export')
      expect(exported.body.providers).toEqual([
        { id: 1, provider: 'First Mail', short_name: 'First', ...BRAND, domains: [{ id: 1, name: 'first.example', ldapserver_id: null }] },
        { id: 2, provider: 'Second Mail', short_name: 'Second', ...NO_BRAND, domains: [{ id: 2, name: 'second.example', ldapserver_id: null }] },
      ])
      await target.reset()
      expect((await seed(target, exported.body)).status).toBe(200)
      expect(await tableContents(target)).toEqual(before)
    })
  })
}
