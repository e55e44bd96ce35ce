/**
 * The admin API's export and import through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { SEED_LIMITS } from '../../src/seed/format'
import { adminClient, tableContents, UNSET_PROVIDER_COLUMNS, UNSET_PROVIDER_FIELDS } from '../support/admin-client'
import { seed, type ProtocolTarget } from '../support/target'

export function describeAdminTransfer(target: ProtocolTarget): void {
  describe(`admin API: export and import on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(() => target.reset())

    /**
     * A database the single-provider seed format cannot express: two providers, id gaps, a server
     * serving a subset of domains, one serving domains of both providers, an unlinked server, an
     * LDAP server with a password and an unused one, IDN domains, non-default values everywhere.
     */
    async function buildIntricateDatabase(): Promise<void> {
      await seed(target, sample)
      await admin('POST', '/admin/ldapservers', { name: 'ldap.example.com', port: 389, search_base: 'dc=example', bind_user: 'cn=r', bind_password: 'pw' })
      await admin('POST', '/admin/ldapservers', { name: 'ldap.unused.example', search_base: 'dc=unused', attr_cn: null })
      const other = await admin('POST', '/admin/providers', { name: 'Other Mail', short_name: 'Other' })
      await admin('POST', '/admin/domains', { name: 'gone.example', provider_id: other.body.id })
      await admin('POST', '/admin/domains', { name: 'bücher.example', provider_id: other.body.id, ldapserver_id: 1 })
      await admin('DELETE', '/admin/domains/gone.example')
      const imap = await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.bücher.example', port: 143, socket_type: 'STARTTLS', prio: 3, authentication: 'secure', user_name: '%EMAILLOCALPART%' })
      await admin('PUT', `/admin/servers/${imap.body.id}/domains/xn--bcher-kva.example`)
      await admin('PUT', `/admin/servers/${imap.body.id}/domains/example.org`)
      await admin('POST', '/admin/servers', { type: 'smtp', name: 'smtp.unlinked.example', authentication: 'none' })
      await admin('DELETE', '/admin/servers/2')
      await admin('DELETE', '/admin/servers/1/domains/example.net')
      await admin('POST', '/admin/davservers', { type: 'caldav', url: 'http://cal.example:8080/', domain_required: true })
      // ActiveSync URLs with an id gap: the first one set is replaced by a later row.
      await admin('PUT', '/admin/domains/example.com/activesync', { url: 'https://eas.example.com/Microsoft-Server-ActiveSync' })
      await admin('DELETE', '/admin/domains/example.com/activesync')
      await admin('PUT', '/admin/domains/example.org/activesync', { url: 'https://eas.example.org/Microsoft-Server-ActiveSync' })
      await admin('PUT', '/admin/domains/xn--bcher-kva.example/activesync', { url: 'https://eas.example.org/Microsoft-Server-ActiveSync' })
    }

    const importing = (document: unknown, query = '') => admin('POST', `/admin/import${query}`, document)

    describe('GET /admin/export and POST /admin/import', () => {
      it('round-trips a database through export and import to identical tables', async () => {
        await buildIntricateDatabase()
        const before = await tableContents(target)
        const exported = await admin('GET', '/admin/export?include_secrets=true')
        expect(exported.status).toBe(200)
        await target.reset()
        const imported = await importing(exported.body)
        expect(imported.status).toBe(200)
        expect(imported.body).toEqual({ written: { providers: 2, domains: 4, servers: 5, davservers: 3, urlservers: 0, sieveservers: 0, ldapservers: 2 }, replaced: false })
        expect(await tableContents(target)).toEqual(before)
        // And again: the second export is the first one.
        expect((await admin('GET', '/admin/export?include_secrets=true')).body).toEqual(exported.body)
      })

      it('round-trips through POST /initdb/ as well', async () => {
        await buildIntricateDatabase()
        const before = await tableContents(target)
        const exported = await admin('GET', '/admin/export?include_secrets=true')
        await target.reset()
        expect((await seed(target, exported.body)).status).toBe(200)
        expect(await tableContents(target)).toEqual(before)
      })

      it('writes the multi-provider form with explicit ids and per-server domains', async () => {
        await seed(target, sample)
        await admin('DELETE', '/admin/servers/2/domains/example.org')
        const { body } = await admin('GET', '/admin/export')
        expect(body.version).toBe(2)
        expect(body.providers).toEqual([
          { id: 1, provider: 'Example Inc.', short_name: 'Example', ...UNSET_PROVIDER_FIELDS, domains: [{ id: 1, name: 'example.com', ldapserver_id: null }, { id: 2, name: 'example.net', ldapserver_id: null }, { id: 3, name: 'example.org', ldapserver_id: null }] },
        ])
        expect((body.servers as { id: number; domains: string[] }[]).find((s) => s.id === 2)).toEqual({
          id: 2, type: 'pop', name: 'pop.example.com', port: 995, prio: 20, socket_type: 'SSL', user_name: '%EMAILADDRESS%', authentication: 'plain', domains: ['example.com', 'example.net'],
        })
      })

      it('leaves bind passwords out unless ?include_secrets=true', async () => {
        await admin('POST', '/admin/ldapservers', { name: 'ldap.example', search_base: 'dc=x', bind_password: 'hunter2' })
        const plain = await admin('GET', '/admin/export')
        expect(JSON.stringify(plain.body)).not.toContain('hunter2')
        expect((plain.body.ldapservers as object[])[0]).not.toHaveProperty('bind_password')
        const secret = await admin('GET', '/admin/export?include_secrets=true')
        expect((secret.body.ldapservers as object[])[0]).toHaveProperty('bind_password', 'hunter2')
      })

      it('exports an empty database as a document that imports back to nothing', async () => {
        const { body } = await admin('GET', '/admin/export')
        expect(body).toEqual({ version: 2, providers: [], servers: [], ldapservers: [] })
        expect((await importing(body)).status).toBe(200)
      })

      it('refuses to import into a database that is not empty (409), changing nothing', async () => {
        await admin('POST', '/admin/ldapservers', { name: 'ldap.example', search_base: 'dc=x' })
        const before = await tableContents(target)
        const response = await importing(sample)
        expect(response.status).toBe(409)
        expect(response.body.error).toContain('?replace=true')
        expect(await tableContents(target)).toEqual(before)
      })

      it('replaces everything with ?replace=true', async () => {
        await buildIntricateDatabase()
        const response = await importing({ version: 2, provider: 'New', domains: ['new.example'], servers: [{ type: 'imap', name: 'imap.new.example' }] }, '?replace=true')
        expect(response.status).toBe(200)
        const tables = await tableContents(target)
        expect(tables.provider).toEqual([{ id: 1, name: 'New', short_name: 'New', ...UNSET_PROVIDER_COLUMNS }])
        expect(tables.domain).toEqual([{ id: 1, name: 'new.example', provider_id: 1, ldapserver_id: null }])
        expect([tables.server?.length, tables.davserver?.length, tables.ldapserver?.length]).toEqual([1, 0, 0])
      })

      it.each([
        ['an invalid document', { version: 2, providers: [{ provider: 'X', domains: ['bad domain'] }] }, 400, 'providers[0].domains[0]'],
        ['a server domain outside the document', { provider: 'X', domains: ['x.example'], servers: [{ type: 'imap', name: 'i.example', domains: ['y.example'] }] }, 400, 'servers[0].domains[0]'],
        ['not JSON', '{"version"', 400, 'not valid JSON'],
      ])('refuses %s (%j) with %i and, even with ?replace=true, changes nothing', async (_case, document, status, needle) => {
        await seed(target, sample)
        const before = await tableContents(target)
        const response = await importing(document, '?replace=true')
        expect(response.status).toBe(status)
        expect(JSON.stringify(response.body)).toContain(needle)
        expect(await tableContents(target)).toEqual(before)
      })

      it('names a bad ?replace value before looking at the body', async () => {
        const response = await importing('{', '?replace=maybe')
        expect(response).toEqual({ status: 400, body: { error: 'replace must be true or false' } })
      })

      // Issue 14, finding 3: the emptiness check and the write used to be two steps.
      it('never merges an import with a provider created at the same time', async () => {
        const document = { version: 2, providers: [{ provider: 'Imported', domains: ['imported.example'] }], servers: [] }
        for (let round = 0; round < 10; round++) {
          await target.reset()
          const [imported, created] = await Promise.all([importing(document), admin('POST', '/admin/providers', { name: 'Raced' })])
          const providers = (await tableContents(target)).provider as { id: number; name: string }[]
          if (imported.status === 200) {
            // The import ran on an empty database: the provider was created after it.
            const importedId = providers.find((p) => p.name === 'Imported')?.id ?? 0
            expect(created.status).toBe(201)
            expect(providers.find((p) => p.name === 'Raced')?.id).toBeGreaterThan(importedId)
          } else {
            expect(imported.status).toBe(409)
            expect(providers.map((p) => p.name)).toEqual(['Raced'])
          }
        }
      })

      // Issue 14, finding 2: every row goes in one batch; a document past the limits is refused
      // before any work, naming the limit (it used to crash the seeding code with a 500).
      it.each([
        ['domains', () => ({ provider: 'Big', domains: Array.from({ length: SEED_LIMITS.domains + 1 }, (_, i) => `d${i}.example`) }), 'domains', `at most ${SEED_LIMITS.domains} domains`],
        ['links', () => ({ provider: 'Big', domains: Array.from({ length: 1_000 }, (_, i) => `d${i}.example`), servers: Array.from({ length: 101 }, (_, i) => ({ type: 'imap', name: `imap${i}.example` })) }), 'servers', `at most ${SEED_LIMITS.links} server-to-domain links`],
        ['servers', () => ({ provider: 'Big', domains: ['big.example'], servers: Array.from({ length: SEED_LIMITS.servers + 1 }, (_, i) => ({ type: 'imap', name: `imap${i}.example`, domains: [] })) }), 'servers', `at most ${SEED_LIMITS.servers} servers`],
      ])('refuses a document past the %s limit with 400 naming it, writing nothing', async (_limit, document, path, message) => {
        const response = await importing(document(), '?replace=true')
        expect(response.status).toBe(400)
        expect(response.body.problems).toEqual([{ path, message: expect.stringContaining(message) }])
        expect((await tableContents(target)).provider).toEqual([])
      })

      it('loads a document at every limit in one batch', async () => {
        const document = {
          provider: 'Big',
          domains: Array.from({ length: SEED_LIMITS.domains }, (_, i) => `d${i}.example`),
          servers: [
            // 5 servers for every domain: 100,000 links.
            ...Array.from({ length: 5 }, (_, i) => ({ type: 'imap', name: `imap${i}.example` })),
            ...Array.from({ length: SEED_LIMITS.servers - 5 }, (_, i) => ({ type: 'smtp', name: `smtp${i}.example`, domains: [] })),
          ],
          ldapservers: Array.from({ length: SEED_LIMITS.ldapservers }, (_, i) => ({ id: i + 1, name: `ldap${i}.example`, search_base: 'dc=x' })),
        }
        const response = await importing(document, '?replace=true')
        expect(response.body).toEqual({ written: { providers: 1, domains: SEED_LIMITS.domains, servers: SEED_LIMITS.servers, davservers: 0, urlservers: 0, sieveservers: 0, ldapservers: SEED_LIMITS.ldapservers }, replaced: true })
        expect(await target.query('SELECT count(*) AS n FROM server_domain')).toEqual([{ n: SEED_LIMITS.links }])
      }, 60_000)

      it('answers 413 for an import over 5 MiB', async () => {
        const response = await importing({ ...sample, padding: 'x'.repeat(5 * 1024 * 1024) })
        expect(response.status).toBe(413)
      })

      it('keeps explicit ids when /initdb/ loads the multi-provider form', async () => {
        const response = await seed(target, { version: 2, providers: [{ id: 40, provider: 'Forty', domains: [{ id: 7, name: 'forty.example' }] }] })
        expect(response.status).toBe(200)
        expect(await target.query('SELECT id, provider_id FROM domain')).toEqual([{ id: 7, provider_id: 40 }])
      })
    })
  })
}
