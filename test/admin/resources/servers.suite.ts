/**
 * The admin API's servers and DAV servers through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents } from '../../support/admin-client'
import type { ProtocolTarget } from '../../support/target'

export function describeAdminServers(target: ProtocolTarget): void {
  describe(`admin API: servers and DAV servers on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(async () => {
      await target.reset()
      await admin('POST', '/admin/providers', { name: 'Acme Mail' })
      await admin('POST', '/admin/domains', { name: 'acme.example', provider_id: 1 })
      await admin('POST', '/admin/domains', { name: 'acme.test', provider_id: 1 })
    })

    describe('/admin/servers', () => {
      it('creates a server with automx2 defaults and answers it with its domains', async () => {
        const created = await admin('POST', '/admin/servers', { type: 'smtp', name: 'SMTP.Acme.Example', port: 587 })
        expect(created).toEqual({
          status: 201,
          body: { id: 1, type: 'smtp', name: 'smtp.acme.example', port: 587, prio: 10, socket_type: 'STARTTLS', user_name: '%EMAILADDRESS%', authentication: 'plain', domains: [] },
        })
      })

      it('links and unlinks domains, by name or id, idempotently', async () => {
        await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.acme.example' })
        await admin('PUT', '/admin/servers/1/domains/acme.example')
        const twice = await admin('PUT', '/admin/servers/1/domains/2')
        expect(twice.body.domains).toEqual(['acme.example', 'acme.test'])
        expect((await admin('PUT', '/admin/servers/1/domains/acme.test')).body.domains).toEqual(['acme.example', 'acme.test'])
        expect((await tableContents(target)).server_domain).toHaveLength(2)
        const unlinked = await admin('DELETE', '/admin/servers/1/domains/acme.example')
        expect(unlinked.body.domains).toEqual(['acme.test'])
        expect((await admin('DELETE', '/admin/servers/1/domains/acme.example')).status).toBe(200)
      })

      it('replaces a server with PUT, keeping its links', async () => {
        await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.acme.example' })
        await admin('PUT', '/admin/servers/1/domains/acme.example')
        const replaced = await admin('PUT', '/admin/servers/1', { type: 'imap', name: 'mail.acme.example', port: 143, socket_type: 'STARTTLS', prio: 5 })
        expect(replaced.body).toMatchObject({ id: 1, name: 'mail.acme.example', port: 143, socket_type: 'STARTTLS', prio: 5, domains: ['acme.example'] })
      })

      it('deletes a server with its links, leaving the domains', async () => {
        await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.acme.example' })
        await admin('PUT', '/admin/servers/1/domains/acme.example')
        expect((await admin('DELETE', '/admin/servers/1')).body).toEqual({ deleted: { id: 1 } })
        const tables = await tableContents(target)
        expect([tables.server, tables.server_domain, tables.domain?.length]).toEqual([[], [], 2])
      })

      it.each([
        ['an unknown type', { type: 'jmap', name: 'a.example' }, 'type', 'must be one of imap, pop, pop3, smtp'],
        ['a DAV type', { type: 'caldav', name: 'a.example' }, 'type', 'must be one of'],
        ['a missing name', { type: 'imap' }, 'name', ''],
        ['a bad host name', { type: 'imap', name: 'a b' }, 'name', 'not a valid host name'],
        ['a port out of range', { type: 'imap', name: 'a.example', port: 0 }, 'port', 'from 1 to 65535'],
        ['a bad socket type', { type: 'imap', name: 'a.example', socket_type: 'TLS' }, 'socket_type', 'SSL, STARTTLS, plain'],
        ['no authentication on imap', { type: 'imap', name: 'a.example', authentication: 'none' }, 'authentication', 'only allowed for smtp'],
        ['an unknown key', { type: 'imap', name: 'a.example', host: 'x' }, '', 'unknown key(s): host'],
      ])('refuses %s with 400 naming the field', async (_case, body, path, message) => {
        const response = await admin('POST', '/admin/servers', body)
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path, message: expect.stringContaining(message) })
        expect((await tableContents(target)).server).toEqual([])
      })

      it.each([
        ['PUT', '/admin/servers/4/domains/acme.example', 404, 'no server 4'],
        ['GET', '/admin/servers/4', 404, 'no server 4'],
        ['DELETE', '/admin/servers/4', 404, 'no server 4'],
        ['PUT', '/admin/servers/1/domains/unknown.example', 404, 'no domain unknown.example'],
        ['PUT', '/admin/servers/1/domains/not_a_domain', 400, 'neither a domain id nor a domain name'],
      ])('%s %s → %i', async (method, path, status, message) => {
        await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.acme.example' })
        const response = await admin(method, path)
        expect(response.status).toBe(status)
        expect(response.body.error).toContain(message)
      })

      it('answers 400 for a body that is not JSON', async () => {
        const response = await admin('POST', '/admin/servers', '{"type": "imap",')
        expect(response.status).toBe(400)
        expect(response.body.error).toContain('not valid JSON')
      })

      it('answers 413 for a body over 64 KiB', async () => {
        const response = await admin('POST', '/admin/servers', { type: 'imap', name: 'a.example', user_name: 'x'.repeat(70_000) })
        expect(response.status).toBe(413)
      })
    })

    describe('/admin/davservers', () => {
      it('creates a DAV server with port and TLS from its URL, links it, and lists it', async () => {
        const created = await admin('POST', '/admin/davservers', { type: 'carddav', url: 'http://dav.acme.example:8008/card/' })
        expect(created.body).toEqual({ id: 1, type: 'carddav', url: 'http://dav.acme.example:8008/card/', port: 8008, use_ssl: false, domain_required: false, user_name: '%EMAILADDRESS%', domains: [] })
        await admin('PUT', '/admin/davservers/1/domains/acme.test')
        expect((await admin('GET', '/admin/davservers')).body).toEqual([{ ...created.body, domains: ['acme.test'] }])
        expect((await tableContents(target)).davserver_domain).toEqual([{ davserver_id: 1, domain_id: 2 }])
      })

      it('refuses a non-http URL naming the field', async () => {
        const response = await admin('POST', '/admin/davservers', { type: 'caldav', url: 'ftp://dav.acme.example/' })
        expect(response.body.problems).toContainEqual({ path: 'url', message: 'must be an http or https URL' })
      })

      it('deletes a DAV server with its links; 404 for an unknown one', async () => {
        await admin('POST', '/admin/davservers', { type: 'caldav', url: 'https://dav.acme.example/' })
        await admin('PUT', '/admin/davservers/1/domains/acme.example')
        expect((await admin('DELETE', '/admin/davservers/1')).status).toBe(200)
        expect((await tableContents(target)).davserver_domain).toEqual([])
        expect((await admin('DELETE', '/admin/davservers/1')).body).toEqual({ error: 'no DAV server 1' })
      })
    })
  })
}
