/**
 * The admin API's providers and domains through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents, UNSET_PROVIDER_COLUMNS, UNSET_PROVIDER_FIELDS } from '../../support/admin-client'
import type { ProtocolTarget } from '../../support/target'

export function describeAdminProvidersDomains(target: ProtocolTarget): void {
  describe(`admin API: providers and domains on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(() => target.reset())

    async function aProvider(name = 'Acme Mail', domains: string[] = []) {
      const created = await admin('POST', '/admin/providers', { name })
      const id = created.body.id as number
      for (const domain of domains) await admin('POST', '/admin/domains', { name: domain, provider_id: id })
      return id
    }

    describe('/admin/providers', () => {
      const NO_BRAND = UNSET_PROVIDER_FIELDS
      const BRAND = { logo_url: 'https://cdn.acme.example/logo.svg', support_url: 'https://help.acme.example/', support_email: 'help@acme.example' }

      it('creates, reads, lists and replaces a provider', async () => {
        const created = await admin('POST', '/admin/providers', { name: 'Acme Mail' })
        expect(created).toEqual({ status: 201, body: { id: 1, name: 'Acme Mail', short_name: 'Acme', ...NO_BRAND, domains: [] } })
        await admin('POST', '/admin/domains', { name: 'acme.example', provider_id: 1 })
        expect((await admin('GET', '/admin/providers/1')).body).toEqual({ id: 1, name: 'Acme Mail', short_name: 'Acme', ...NO_BRAND, domains: ['acme.example'] })
        const replaced = await admin('PUT', '/admin/providers/1', { name: 'Acme Corp Mail', short_name: 'AcmeCorp' })
        expect(replaced.body).toEqual({ id: 1, name: 'Acme Corp Mail', short_name: 'AcmeCorp', ...NO_BRAND, domains: ['acme.example'] })
        expect((await admin('GET', '/admin/providers')).body).toEqual([replaced.body])
      })

      // The landing page shows them (protocols/landing); a PUT replaces the whole provider.
      it('stores the logo and support fields, normalised, and a PUT without them clears them', async () => {
        const created = await admin('POST', '/admin/providers', { name: 'Acme Mail', ...BRAND, logo_url: ' https://CDN.b\u00fccher.example/a logo.svg ' })
        expect(created.status).toBe(201)
        expect(created.body).toEqual({ id: 1, name: 'Acme Mail', short_name: 'Acme', ...NO_BRAND, ...BRAND, logo_url: 'https://cdn.xn--bcher-kva.example/a%20logo.svg', domains: [] })
        expect((await tableContents(target)).provider).toEqual([{ id: 1, name: 'Acme Mail', short_name: 'Acme', ...UNSET_PROVIDER_COLUMNS, ...BRAND, logo_url: 'https://cdn.xn--bcher-kva.example/a%20logo.svg' }])
        expect((await admin('PUT', '/admin/providers/1', { name: 'Acme Mail', ...BRAND })).body).toEqual({ id: 1, name: 'Acme Mail', short_name: 'Acme', ...NO_BRAND, ...BRAND, domains: [] })
        expect((await admin('PUT', '/admin/providers/1', { name: 'Acme Mail', support_email: null })).body).toEqual({ id: 1, name: 'Acme Mail', short_name: 'Acme', ...NO_BRAND, domains: [] })
      })

      it.each([
        ['a plain-http logo', { logo_url: 'http://cdn.acme.example/logo.svg' }, 'logo_url', 'must be an https URL on a host name, like https://example.com/logo.svg'],
        ['a relative logo URL', { logo_url: '/logo.svg' }, 'logo_url', 'must be an https URL on a host name'],
        ['a logo on an address literal', { logo_url: 'https://192.0.2.7/logo.svg' }, 'logo_url', 'must be an https URL on a host name'],
        ['a logo host with CSP syntax in it', { logo_url: 'https://a;img-src.example/logo.svg' }, 'logo_url', 'must be an https URL on a host name'],
        ['a logo URL with a password', { logo_url: 'https://u:p@cdn.acme.example/logo.svg' }, 'logo_url', 'must not contain a user name or password'],
        ['a logo URL of 2049 characters', { logo_url: `https://cdn.acme.example/${'x'.repeat(2049 - 25)}` }, 'logo_url', 'must be at most 2048 characters'],
        ['a logo that is no string', { logo_url: 7 }, 'logo_url', 'must be an https URL'],
        ['a support URL with a script', { support_url: 'javascript:alert(1)' }, 'support_url', 'must be an https URL on a host name, like https://example.com/help'],
        ['a support address with a display name', { support_email: 'Help <help@acme.example>' }, 'support_email', 'must be a plain email address, like help@example.com'],
        ['a mailto: support address', { support_email: 'mailto:help@acme.example' }, 'support_email', 'must be a plain email address'],
        ['a support address with header fields', { support_email: 'help@acme.example?cc=x@acme.example' }, 'support_email', 'must be a plain email address'],
        ['an empty support address', { support_email: '' }, 'support_email', 'must be a plain email address'],
      ])('refuses %s with 400 naming the field and the rule', async (_case, fields, path, message) => {
        const response = await admin('POST', '/admin/providers', { name: 'Acme Mail', ...fields })
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path, message: expect.stringContaining(message) })
        expect((await tableContents(target)).provider).toEqual([])
      })

      it.each([
        ['a missing name', {}, 'name'],
        ['an empty name', { name: ' ' }, 'name'],
        ['a name over 60 characters', { name: 'x'.repeat(61) }, 'name'],
        ['a short name over 20 characters', { name: 'X', short_name: 'y'.repeat(21) }, 'short_name'],
        ['an unknown key', { name: 'X', domains: ['a.example'] }, ''],
      ])('refuses %s with 400 naming the field and writes nothing', async (_case, body, path) => {
        const response = await admin('POST', '/admin/providers', body)
        expect(response.status).toBe(400)
        expect(response.body.problems?.map((p) => p.path)).toContain(path)
        expect((await tableContents(target)).provider).toEqual([])
      })

      it.each([
        ['GET', '/admin/providers/9', 404, 'no provider 9', undefined],
        ['PUT', '/admin/providers/9', 404, 'no provider 9', { name: 'X' }],
        ['DELETE', '/admin/providers/9', 404, 'no provider 9', undefined],
        ['GET', '/admin/providers/abc', 400, "'abc' is not an id", undefined],
        // The path is checked before the body: a bad id is named even when the body is bad too.
        ['PUT', '/admin/providers/abc', 400, "'abc' is not an id", {}],
        ['DELETE', '/admin/providers/0', 400, "'0' is not an id", undefined],
      ])('%s %s → %i', async (method, path, status, message, body) => {
        const response = await admin(method, path, body)
        expect(response.status).toBe(status)
        expect(response.body.error).toContain(message)
      })

      it('refuses to delete a provider that has domains (409), and changes nothing', async () => {
        const id = await aProvider('Acme Mail', ['acme.example', 'acme.test'])
        const before = await tableContents(target)
        const response = await admin('DELETE', `/admin/providers/${id}`)
        expect(response.status).toBe(409)
        expect(response.body.error).toContain('still has 2 domain(s): acme.example, acme.test')
        expect(response.body.error).toContain('?cascade=true')
        expect(await tableContents(target)).toEqual(before)
      })

      it('deletes a provider with its domains and their server links with ?cascade=true, keeping servers', async () => {
        const acme = await aProvider('Acme Mail', ['acme.example'])
        await aProvider('Other Mail', ['other.example'])
        const server = await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.shared.example' })
        await admin('PUT', `/admin/servers/${server.body.id}/domains/acme.example`)
        await admin('PUT', `/admin/servers/${server.body.id}/domains/other.example`)
        const response = await admin('DELETE', `/admin/providers/${acme}?cascade=true`)
        expect(response.status).toBe(200)
        const tables = await tableContents(target)
        expect(tables.provider).toEqual([expect.objectContaining({ name: 'Other Mail' })])
        expect(tables.domain).toEqual([expect.objectContaining({ name: 'other.example' })])
        expect(tables.server).toHaveLength(1)
        expect(tables.server_domain).toEqual([{ server_id: server.body.id, domain_id: 2 }])
      })

      it('deletes a provider without domains', async () => {
        const id = await aProvider()
        expect((await admin('DELETE', `/admin/providers/${id}`)).status).toBe(200)
        expect((await tableContents(target)).provider).toEqual([])
      })

      it('refuses ?cascade with a value other than true or false', async () => {
        const id = await aProvider('Acme Mail', ['acme.example'])
        expect((await admin('DELETE', `/admin/providers/${id}?cascade=yes`)).status).toBe(400)
        expect((await tableContents(target)).domain).toHaveLength(1)
      })
    })

    describe('/admin/domains', () => {
      it('creates a domain in lowercase A-label form and serves it by id and by name', async () => {
        const provider = await aProvider()
        const created = await admin('POST', '/admin/domains', { name: 'Bücher.Example', provider_id: provider })
        expect(created).toEqual({ status: 201, body: { id: 1, name: 'xn--bcher-kva.example', provider_id: provider, ldapserver_id: null } })
        expect((await admin('GET', '/admin/domains/1')).body).toEqual(created.body)
        expect((await admin('GET', '/admin/domains/bücher.example')).body).toEqual(created.body)
        expect((await admin('GET', '/admin/domains')).body).toEqual([created.body])
      })

      it('answers the new domain in Autoconfig once a server is linked', async () => {
        const provider = await aProvider()
        await admin('POST', '/admin/domains', { name: 'acme.example', provider_id: provider })
        const imap = await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.acme.example' })
        const smtp = await admin('POST', '/admin/servers', { type: 'smtp', name: 'smtp.acme.example' })
        await admin('PUT', `/admin/servers/${imap.body.id}/domains/acme.example`)
        await admin('PUT', `/admin/servers/${smtp.body.id}/domains/acme.example`)
        const response = await target.fetch('/mail/config-v1.1.xml?emailaddress=a%40acme.example')
        expect(response.status).toBe(200)
        expect(await response.text()).toContain('<hostname>imap.acme.example</hostname>')
      })

      it('lists the domains of one provider with ?provider_id=', async () => {
        await aProvider('One', ['one.example'])
        const two = await aProvider('Two', ['two.example'])
        const listed = await admin('GET', `/admin/domains?provider_id=${two}`)
        expect((listed.body as unknown as { name: string }[]).map((d) => d.name)).toEqual(['two.example'])
      })

      it('answers 409 for a domain that exists, in any spelling', async () => {
        const provider = await aProvider('Acme Mail', ['acme.example'])
        const response = await admin('POST', '/admin/domains', { name: 'ACME.example.', provider_id: provider })
        expect(response).toEqual({ status: 409, body: { error: 'the domain acme.example already exists' } })
        expect((await tableContents(target)).domain).toHaveLength(1)
      })

      it.each([
        ['a malformed name', { name: 'not a domain', provider_id: 1 }, 'name', 'not a valid domain name'],
        ['a missing provider_id', { name: 'a.example' }, 'provider_id', ''],
        ['a string provider_id', { name: 'a.example', provider_id: '1' }, 'provider_id', 'must be a number'],
        ['an unknown provider_id', { name: 'a.example', provider_id: 42 }, 'provider_id', 'no provider 42'],
        ['an unknown ldapserver_id', { name: 'a.example', provider_id: 1, ldapserver_id: 5 }, 'ldapserver_id', 'no LDAP server 5'],
      ])('refuses %s with 400 naming the field', async (_case, body, path, message) => {
        await aProvider()
        const response = await admin('POST', '/admin/domains', body)
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path, message: expect.stringContaining(message) })
        expect((await tableContents(target)).domain).toEqual([])
      })

      it('moves a domain to another provider and renames it with PUT; 409 when the new name is taken', async () => {
        const one = await aProvider('One', ['one.example', 'taken.example'])
        const two = await aProvider('Two')
        const moved = await admin('PUT', '/admin/domains/one.example', { name: 'moved.example', provider_id: two })
        expect(moved.body).toEqual({ id: 1, name: 'moved.example', provider_id: two, ldapserver_id: null })
        const clash = await admin('PUT', '/admin/domains/1', { name: 'taken.example', provider_id: one })
        expect(clash.status).toBe(409)
        // Keeping its own name is no conflict.
        expect((await admin('PUT', '/admin/domains/1', { name: 'moved.example', provider_id: one })).status).toBe(200)
      })

      it('deletes a domain with its server links', async () => {
        await aProvider('One', ['one.example', 'two.example'])
        const server = await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.example' })
        await admin('PUT', `/admin/servers/${server.body.id}/domains/one.example`)
        await admin('PUT', `/admin/servers/${server.body.id}/domains/two.example`)
        expect((await admin('DELETE', '/admin/domains/one.example')).status).toBe(200)
        const tables = await tableContents(target)
        expect(tables.domain).toEqual([expect.objectContaining({ name: 'two.example' })])
        expect(tables.server_domain).toEqual([{ server_id: server.body.id, domain_id: 2 }])
      })

      it.each([
        ['GET', '/admin/domains/unknown.example', 404, 'no domain unknown.example'],
        ['DELETE', '/admin/domains/7', 404, 'no domain 7'],
        ['GET', '/admin/domains/not_a_domain', 400, 'neither a domain id nor a domain name'],
        ['GET', '/admin/domains?provider_id=x', 400, "'x' is not an id"],
      ])('%s %s → %i', async (method, path, status, message) => {
        const response = await admin(method, path)
        expect(response.status).toBe(status)
        expect(response.body.error).toContain(message)
      })
    })
  })
}
