/**
 * The admin API for what the autoconfig draft 1.2 and PACC publish (docs/clients.md §1.8, §4.7): URL
 * servers (JMAP, WebDAV), ManageSieve servers, and a provider's OAuth2 settings and documentation,
 * through the whole service, on any storage driver (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents, UNSET_PROVIDER_FIELDS } from '../../support/admin-client'
import type { ProtocolTarget } from '../../support/target'

const OAUTH2 = { issuer: 'https://login.acme.example', scope: 'IMAP SMTP', auth_url: 'https://login.acme.example/auth', token_url: 'https://login.acme.example/token', client_id: 'open' }

export function describeAdminDraftServices(target: ProtocolTarget): void {
  describe(`admin API: URL servers, ManageSieve servers, OAuth2 and documentation on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(async () => {
      await target.reset()
      await admin('POST', '/admin/providers', { name: 'Acme Mail' })
      await admin('POST', '/admin/domains', { name: 'acme.example', provider_id: 1 })
    })

    describe('/admin/urlservers', () => {
      it('creates JMAP and WebDAV servers, links them, replaces and deletes them', async () => {
        const created = await admin('POST', '/admin/urlservers', { type: 'jmap', url: 'https://jmap.acme.example/session' })
        expect(created).toEqual({ status: 201, body: { id: 1, type: 'jmap', url: 'https://jmap.acme.example/session', user_name: '%EMAILADDRESS%', domains: [] } })
        expect((await admin('PUT', '/admin/urlservers/1/domains/acme.example')).body.domains).toEqual(['acme.example'])
        const replaced = await admin('PUT', '/admin/urlservers/1', { type: 'webdav', url: 'https://files.acme.example/dav/' })
        expect(replaced.body).toEqual({ id: 1, type: 'webdav', url: 'https://files.acme.example/dav/', user_name: '%EMAILADDRESS%', domains: ['acme.example'] })
        expect((await admin('DELETE', '/admin/urlservers/1')).status).toBe(200)
        const tables = await tableContents(target)
        expect([tables.urlserver, tables.urlserver_domain]).toEqual([[], []])
      })

      it.each([
        ['a mail type', { type: 'imap', url: 'https://a.example/' }, 'type', 'must be one of jmap, webdav'],
        ['a plain-http URL', { type: 'jmap', url: 'http://jmap.acme.example/' }, 'url', 'must be an https URL'],
        ['a missing URL', { type: 'webdav' }, 'url', 'must be an https URL'],
      ])('refuses %s with 400 naming the field', async (_case, body, path, message) => {
        const response = await admin('POST', '/admin/urlservers', body)
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path, message: expect.stringContaining(message) })
        expect((await tableContents(target)).urlserver).toEqual([])
      })
    })

    describe('/admin/sieveservers', () => {
      it('creates a ManageSieve server on 4190 with STARTTLS unless told otherwise, and links it', async () => {
        const created = await admin('POST', '/admin/sieveservers', { name: 'Sieve.Acme.Example' })
        expect(created).toEqual({ status: 201, body: { id: 1, name: 'sieve.acme.example', port: 4190, socket_type: 'STARTTLS', user_name: '%EMAILADDRESS%', authentication: 'plain', domains: [] } })
        expect((await admin('PUT', '/admin/sieveservers/1/domains/acme.example')).body.domains).toEqual(['acme.example'])
        expect((await admin('PUT', '/admin/sieveservers/1', { name: 'sieve.acme.example', port: 5190, socket_type: 'SSL' })).body).toMatchObject({ port: 5190, socket_type: 'SSL', domains: ['acme.example'] })
      })

      it.each([
        ['a bad host name', { name: 'a b' }, 'name', 'not a valid host name'],
        ['a port out of range', { name: 'sieve.acme.example', port: 70000 }, 'port', 'from 1 to 65535'],
        ['a type (the table has none)', { type: 'managesieve', name: 'sieve.acme.example' }, '', 'unknown key(s): type'],
      ])('refuses %s with 400 naming the field', async (_case, body, path, message) => {
        const response = await admin('POST', '/admin/sieveservers', body)
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path, message: expect.stringContaining(message) })
      })
    })

    describe('a provider\'s OAuth2 settings and documentation', () => {
      it('stores them in columns, shows OAuth2 nested (password defaulting to true), and a PUT without them clears them', async () => {
        const body = { name: 'Acme Mail', oauth2: OAUTH2, documentation_url: 'https://help.acme.example/mail', documentation_descr: 'Setting up mail' }
        const replaced = await admin('PUT', '/admin/providers/1', body)
        expect(replaced.body).toEqual({ id: 1, name: 'Acme Mail', short_name: 'Acme', ...UNSET_PROVIDER_FIELDS, oauth2: { ...OAUTH2, password: true }, documentation_url: 'https://help.acme.example/mail', documentation_descr: 'Setting up mail', domains: ['acme.example'] })
        expect((await tableContents(target)).provider).toMatchObject([{ oauth2_issuer: OAUTH2.issuer, oauth2_scope: OAUTH2.scope, oauth2_password: 1 }])
        expect((await admin('PUT', '/admin/providers/1', { name: 'Acme Mail', oauth2: { issuer: OAUTH2.issuer, password: false } })).body.oauth2).toEqual({ issuer: OAUTH2.issuer, scope: null, auth_url: null, token_url: null, client_id: null, password: false })
        expect((await admin('PUT', '/admin/providers/1', { name: 'Acme Mail' })).body).toMatchObject({ oauth2: null, documentation_url: null })
      })

      it.each([
        ['OAuth2 without an issuer', { oauth2: { scope: 'IMAP' } }, 'oauth2.issuer', 'must be a string'],
        ['an issuer with spaces', { oauth2: { issuer: 'login acme' } }, 'oauth2.issuer', 'must not contain spaces'],
        ['a plain-http token URL', { oauth2: { issuer: 'login.acme.example', token_url: 'http://login.acme.example/token' } }, 'oauth2.token_url', 'must be an https URL'],
        // Published in a public document, a secret is no secret (the draft's OAuth2 profile needs none).
        ['a client secret', { oauth2: { issuer: 'login.acme.example', client_secret: 'x' } }, 'oauth2', 'unknown key(s): client_secret'],
        ['a plain-http documentation URL', { documentation_url: 'http://help.acme.example/' }, 'documentation_url', 'must be an https URL'],
      ])('refuses %s with 400 naming the field', async (_case, fields, path, message) => {
        const response = await admin('POST', '/admin/providers', { name: 'Other Mail', ...fields })
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path, message: expect.stringContaining(message) })
      })
    })
  })
}
