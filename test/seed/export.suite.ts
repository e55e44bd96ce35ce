/**
 * GET /admin/export (seed/export.ts) on every driver, for the provider columns of the landing page,
 * OAuth2 and documentation, and the servers of the autoconfig draft 1.2 (JMAP, WebDAV, ManageSieve):
 * written out with the rest, and loaded back identically.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents, UNSET_PROVIDER_COLUMNS, UNSET_PROVIDER_FIELDS } from '../support/admin-client'
import { seed, type ProtocolTarget } from '../support/target'

const BRAND = { logo_url: 'https://cdn.first.example/logo.svg', support_url: 'https://help.first.example/', support_email: 'help@first.example' }

/** A provider with everything the autoconfig draft 1.2 and PACC publish, in the seed format. */
export const DRAFT_SEED = {
  version: 2,
  provider: 'Lakeview Post',
  short_name: 'Lakeview',
  documentation_url: 'https://help.lakeview.example/mail-setup',
  documentation_descr: 'Setting up your mail program',
  oauth2: {
    issuer: 'https://login.lakeview.example',
    scope: 'IMAP SMTP CalDAV CardDAV offline_access',
    auth_url: 'https://login.lakeview.example/authorize',
    token_url: 'https://login.lakeview.example/token',
    client_id: 'open-mail-client',
  },
  domains: ['lakeview.example'],
  servers: [
    { type: 'imap', name: 'imap.lakeview.example', port: 993, prio: 10 },
    { type: 'imap', name: 'imap-legacy.lakeview.example', port: 143, socket_type: 'STARTTLS', prio: 20 },
    { type: 'smtp', name: 'smtp.lakeview.example', port: 465, prio: 10 },
    { type: 'smtp', name: 'submit.lakeview.example', port: 587, socket_type: 'STARTTLS', prio: 20 },
    { type: 'caldav', url: 'https://dav.lakeview.example/calendars/%EMAILADDRESS%/' },
    { type: 'jmap', url: 'https://jmap.lakeview.example/.well-known/jmap' },
    { type: 'webdav', url: 'https://files.lakeview.example/dav/' },
    { type: 'managesieve', name: 'sieve.lakeview.example', port: 4190, socket_type: 'STARTTLS' },
  ],
}

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
        { id: 1, name: 'First Mail', short_name: 'First', ...UNSET_PROVIDER_COLUMNS, ...BRAND },
        { id: 2, name: 'Second Mail', short_name: 'Second', ...UNSET_PROVIDER_COLUMNS },
      ])
      const exported = await admin('GET', '/admin/export')
      expect(exported.body.providers).toEqual([
        { id: 1, provider: 'First Mail', short_name: 'First', ...UNSET_PROVIDER_FIELDS, ...BRAND, domains: [{ id: 1, name: 'first.example', ldapserver_id: null }] },
        { id: 2, provider: 'Second Mail', short_name: 'Second', ...UNSET_PROVIDER_FIELDS, domains: [{ id: 2, name: 'second.example', ldapserver_id: null }] },
      ])
      await target.reset()
      expect((await seed(target, exported.body)).status).toBe(200)
      expect(await tableContents(target)).toEqual(before)
    })

    it('writes OAuth2, documentation, JMAP, WebDAV and ManageSieve out and loads them back row for row', async () => {
      expect((await seed(target, DRAFT_SEED)).status).toBe(200)
      const before = await tableContents(target)
      const exported = await admin('GET', '/admin/export')
      expect(exported.body.providers).toEqual([
        {
          id: 1,
          provider: 'Lakeview Post',
          short_name: 'Lakeview',
          ...UNSET_PROVIDER_FIELDS,
          documentation_url: DRAFT_SEED.documentation_url,
          documentation_descr: DRAFT_SEED.documentation_descr,
          oauth2: { ...DRAFT_SEED.oauth2, password: true },
          domains: [{ id: 1, name: 'lakeview.example', ldapserver_id: null }],
        },
      ])
      const servers = exported.body.servers as { type: string }[]
      expect(servers.filter((s) => ['jmap', 'webdav', 'managesieve'].includes(s.type))).toEqual([
        { id: 1, type: 'jmap', url: 'https://jmap.lakeview.example/.well-known/jmap', user_name: '%EMAILADDRESS%', domains: ['lakeview.example'] },
        { id: 2, type: 'webdav', url: 'https://files.lakeview.example/dav/', user_name: '%EMAILADDRESS%', domains: ['lakeview.example'] },
        { id: 1, type: 'managesieve', name: 'sieve.lakeview.example', port: 4190, socket_type: 'STARTTLS', user_name: '%EMAILADDRESS%', authentication: 'plain', domains: ['lakeview.example'] },
      ])
      await target.reset()
      expect((await seed(target, exported.body)).status).toBe(200)
      expect(await tableContents(target)).toEqual(before)
      expect((await admin('GET', '/admin/export')).body).toEqual(exported.body)
    })
  })
}
