import { describe, expect, it } from 'vitest'
import type { DomainConfig, EmailAddress, MailServer, UserIdentity } from '../../../src/core/model'
import { deriveProfileIds } from '../../../src/protocols/apple/ids'
import { renderMobileconfig } from '../../../src/protocols/apple/render'
import { aDavServer, aDomainConfig, aProvider, aServer, aSieveServer, aUrlServer, aUserAccount } from '../../support/build'
import { passwordServices } from '../../../src/core/account'
import { validateMobileconfig } from '../../../src/client-rules/mobileconfig'
import { parsePlist, type PlistDict } from '../../../src/client-rules/plist'

const ALICE: EmailAddress = { localPart: 'alice', domain: 'example.net', address: 'alice@example.net' }

interface Options {
  config?: DomainConfig
  who?: EmailAddress
  user?: UserIdentity | null
  name?: string | null
  password?: string | null
}

async function render({ config = aDomainConfig(), who = ALICE, user = null, name = null, password = null }: Options = {}) {
  const account = aUserAccount(config, who, user, name)
  if (!account.primary.ok) throw new Error(`test config lacks an ${account.primary.error} server`)
  const ids = await deriveProfileIds(who, passwordServices(account).davServers)
  const document = renderMobileconfig({ account, servers: account.primary.value, ids, password })
  const profile = parsePlist(document) as PlistDict
  const payloads = profile.PayloadContent as PlistDict[]
  const mail = payloads.find((p) => p.PayloadType === 'com.apple.mail.managed') as PlistDict
  return { document, profile, payloads, mail, ids }
}

const withServers = (...servers: MailServer[]) => aDomainConfig({ servers })

describe('renderMobileconfig', () => {
  it('writes the profile of docs/clients.md §3.3: Configuration + one mail payload, every rule of §3.2–§3.3', async () => {
    const { document, profile, payloads, mail, ids } = await render()
    expect(validateMobileconfig(document)).toEqual([])
    // §3.2: top-level keys.
    expect(profile).toMatchObject({
      PayloadType: 'Configuration',
      PayloadVersion: 1,
      PayloadIdentifier: ids.profile.identifier,
      PayloadUUID: ids.profile.uuid,
      PayloadOrganization: 'Example Mail',
    })
    expect(payloads).toHaveLength(1)
    // §3.3 / §3.3: the mail payload, key by key.
    expect(mail).toEqual({
      PayloadType: 'com.apple.mail.managed',
      PayloadVersion: 1,
      PayloadIdentifier: ids.mail.identifier,
      PayloadUUID: ids.mail.uuid,
      PayloadDisplayName: 'Mail',
      EmailAccountType: 'EmailTypeIMAP',
      EmailAccountDescription: 'alice@example.net',
      EmailAddress: 'alice@example.net',
      IncomingMailServerHostName: 'imap.example.net',
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerUsername: 'alice@example.net',
      OutgoingMailServerHostName: 'smtp.example.net',
      OutgoingMailServerPortNumber: 465,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerUsername: 'alice@example.net',
      OutgoingPasswordSameAsIncomingPassword: true,
    })
  })

  it('is byte-identical for the same input (stable ids, fixed key order)', async () => {
    expect((await render()).document).toBe((await render()).document)
  })

  // §3.3 (authentication) (automx2's values; secure = CRAM-MD5; OAuth2 falls back to the password).
  it.each([
    ['plain', 'EmailAuthPassword'],
    ['secure', 'EmailAuthCRAMMD5'],
    ['NTLM', 'EmailAuthNTLM'],
    ['OAuth2', 'EmailAuthPassword'],
  ] as const)('maps authentication %s to %s on both servers', async (authentication, apple) => {
    const { mail, document } = await render({ config: withServers(aServer({ authentication }), aServer({ type: 'smtp', hostname: 'smtp.example.net', authentication })) })
    expect(mail.IncomingMailServerAuthentication).toBe(apple)
    expect(mail.OutgoingMailServerAuthentication).toBe(apple)
    expect(validateMobileconfig(document)).toEqual([])
  })

  it('maps an outgoing `none` to EmailAuthNone, with no username and no password keys', async () => {
    const { mail, document } = await render({
      config: withServers(aServer(), aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 25, socketType: 'STARTTLS', authentication: 'none' })),
      password: 'pw',
    })
    expect(mail.OutgoingMailServerAuthentication).toBe('EmailAuthNone')
    expect(mail).not.toHaveProperty('OutgoingMailServerUsername')
    expect(mail).not.toHaveProperty('OutgoingPassword')
    expect(mail).not.toHaveProperty('OutgoingPasswordSameAsIncomingPassword')
    expect(mail.IncomingPassword).toBe('pw')
    expect(validateMobileconfig(document)).toEqual([])
  })

  // §3.3 (TLS): UseSSL is true for SSL and for STARTTLS, false only for plain.
  it.each([
    ['SSL', 993, true],
    ['STARTTLS', 143, true],
    ['plain', 143, false],
  ] as const)('writes UseSSL for socket type %s', async (socketType, port, useSsl) => {
    const { mail } = await render({ config: withServers(aServer({ socketType, port }), aServer({ type: 'smtp', hostname: 'smtp.example.net', socketType, port })) })
    expect(mail.IncomingMailServerUseSSL).toBe(useSsl)
    expect(mail.OutgoingMailServerUseSSL).toBe(useSsl)
    expect(mail.IncomingMailServerPortNumber).toBe(port)
  })

  // §3.3: EmailAccountType; the chosen pair is what choosePrimaryServers picked.
  it('writes EmailTypePOP for a POP account', async () => {
    const { mail } = await render({ config: withServers(aServer({ type: 'pop', hostname: 'pop.example.net', port: 995 }), aServer({ type: 'smtp', hostname: 'smtp.example.net' })) })
    expect(mail.EmailAccountType).toBe('EmailTypePOP')
    expect(mail.IncomingMailServerHostName).toBe('pop.example.net')
  })

  // §5.12: Apple clients do not expand placeholders, so the profile carries the result.
  it.each([
    ['%EMAILADDRESS%', 'Alice.B+tag@example.net'],
    ['%EMAILLOCALPART%', 'Alice.B+tag'],
    ['%EMAILLOCALPART%@mail.%EMAILDOMAIN%', 'Alice.B+tag@mail.example.net'],
    ['fixed-login', 'fixed-login'],
  ])('expands the username template %s', async (username, expected) => {
    const who = { localPart: 'Alice.B+tag', domain: 'example.net', address: 'Alice.B+tag@example.net' }
    const { mail } = await render({ who, config: withServers(aServer({ username }), aServer({ type: 'smtp', hostname: 'smtp.example.net', username })) })
    expect(mail.IncomingMailServerUsername).toBe(expected)
    expect(mail.OutgoingMailServerUsername).toBe(expected)
  })

  // Issue #4: usernames from LDAP when the domain has a directory; EmailAccountName from the
  // typed name, else the directory's common name.
  it.each<[string, UserIdentity | null, string | null, string | undefined, string]>([
    ['typed name, no directory', null, 'Alice Doe', 'Alice Doe', 'alice@example.net'],
    ['directory name and login', { loginName: 'adoe', displayName: 'Alice From LDAP' }, null, 'Alice From LDAP', 'adoe'],
    ['typed name wins over the directory', { loginName: 'adoe', displayName: 'Alice From LDAP' }, 'Ally', 'Ally', 'adoe'],
    ['directory without a login name', { loginName: null, displayName: null }, null, undefined, 'alice@example.net'],
    ['a blank typed name counts as none', null, '   ', undefined, 'alice@example.net'],
  ])('account name and username: %s', async (_case, user, name, accountName, username) => {
    const { mail, document } = await render({ user, name })
    expect(mail.EmailAccountName).toBe(accountName)
    expect(mail.IncomingMailServerUsername).toBe(username)
    // §3.3 recommendation: an absent value is an absent key, never an empty string.
    if (accountName === undefined) expect(mail).not.toHaveProperty('EmailAccountName')
    expect(validateMobileconfig(document)).toEqual([])
  })

  it('writes the password for both servers only when given, unchanged (spaces kept)', async () => {
    const { mail } = await render({ password: ' s3cret & <x> ' })
    expect(mail.IncomingPassword).toBe(' s3cret & <x> ')
    expect(mail.OutgoingPassword).toBe(' s3cret & <x> ')
    expect(mail).not.toHaveProperty('OutgoingPasswordSameAsIncomingPassword')
    const without = (await render()).mail
    expect(without).not.toHaveProperty('IncomingPassword')
    expect(without).not.toHaveProperty('OutgoingPassword')
  })

  // §3.4: one DAV payload per DAV server; host and port from the URL, the URL as principal URL.
  it('adds CalDAV and CardDAV payloads built from the URL', async () => {
    const config = aDomainConfig({
      davServers: [
        aDavServer({ url: 'https://dav.example.net:8443/cal/', port: 8443, username: '%EMAILLOCALPART%' }),
        aDavServer({ type: 'carddav', url: 'http://contacts.example.net/card/', port: 80, useSsl: false }),
      ],
    })
    const { payloads, document, ids } = await render({ config })
    expect(validateMobileconfig(document)).toEqual([])
    expect(payloads.map((p) => p.PayloadType)).toEqual(['com.apple.mail.managed', 'com.apple.caldav.account', 'com.apple.carddav.account'])
    expect(payloads[1]).toEqual({
      PayloadType: 'com.apple.caldav.account',
      PayloadVersion: 1,
      PayloadIdentifier: ids.dav[0]?.identifier,
      PayloadUUID: ids.dav[0]?.uuid,
      PayloadDisplayName: 'Example Mail calendars',
      CalDAVAccountDescription: 'Example Mail calendars',
      CalDAVHostName: 'dav.example.net',
      CalDAVPort: 8443,
      CalDAVUseSSL: true,
      CalDAVPrincipalURL: 'https://dav.example.net:8443/cal/',
      CalDAVUsername: 'alice',
    })
    expect(payloads[2]).toMatchObject({ CardDAVHostName: 'contacts.example.net', CardDAVPort: 80, CardDAVUseSSL: false, CardDAVUsername: 'alice@example.net' })
    // The password goes into the mail payload only (DAV logins may differ).
    expect(JSON.stringify((await render({ config, password: 'pw' })).payloads.slice(1))).not.toContain('pw')
  })

  // docs/clients.md §3.4: the device uses PrincipalURL literally; automx2's SOGo sample needs expanding.
  it('expands placeholders in the DAV principal URL', async () => {
    const config = aDomainConfig({ davServers: [aDavServer({ url: 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/personal/' })] })
    const { payloads } = await render({ config })
    expect(payloads[1]).toMatchObject({ CalDAVHostName: 'dav.example.net', CalDAVPrincipalURL: 'https://dav.example.net/SOGo/dav/alice@example.net/Calendar/personal/' })
  })

  it('uses the directory login for DAV too', async () => {
    const { payloads } = await render({ config: aDomainConfig({ davServers: [aDavServer()] }), user: { loginName: 'adoe', displayName: null } })
    expect(payloads[1]?.CalDAVUsername).toBe('adoe')
  })

  // Escaping: every value goes through the plist builder; characters XML cannot hold are replaced.
  it('escapes markup and replaces characters XML cannot carry', async () => {
    const { mail, document } = await render({ name: 'A <b>&amp; "q" \u0007 Z</b>', config: aDomainConfig({ provider: aProvider({ name: 'Ex & <Co>', shortName: 'Ex', domains: ['example.net'] }) }) })
    expect(validateMobileconfig(document)).toEqual([])
    expect(mail.EmailAccountName).toBe('A <b>&amp; "q" \ufffd Z</b>')
    expect(document).not.toContain('<b>')
    expect(document).not.toContain('\u0007')
  })
})

// §5.11: a profile holds passwords only; §1.8's JMAP, WebDAV and ManageSieve have no payload.
describe('renderMobileconfig: what a profile cannot express', () => {
  const oauth2 = { issuer: 'https://login.example.net', scope: null, authUrl: null, tokenUrl: null, clientId: null }

  it('installs the server that takes a password when the preferred one is OAuth2-only', async () => {
    const config = aDomainConfig({
      provider: aProvider({ oauth2: { ...oauth2, password: false } }),
      servers: [aServer({ hostname: 'oauth.example.net', authentication: 'OAuth2', prio: 1 }), aServer({ prio: 20 }), aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465 })],
      davServers: [aDavServer()],
    })
    const { mail, payloads } = await render({ config })
    expect(mail.IncomingMailServerHostName).toBe('imap.example.net')
    expect(payloads.map((p) => p.PayloadType)).toEqual(['com.apple.mail.managed'])
  })

  it('keeps DAV and OAuth2 servers of a provider whose OAuth2 servers also take the password', async () => {
    const config = aDomainConfig({ provider: aProvider({ oauth2: { ...oauth2, password: true } }), servers: [aServer({ authentication: 'OAuth2' }), aServer({ type: 'smtp', port: 465 })], davServers: [aDavServer()] })
    const { mail, payloads } = await render({ config })
    expect(mail.IncomingMailServerAuthentication).toBe('EmailAuthPassword')
    expect(payloads).toHaveLength(2)
  })

  it('has no payload for JMAP, WebDAV or ManageSieve', async () => {
    const { document } = await render({ config: aDomainConfig({ urlServers: [aUrlServer(), aUrlServer({ type: 'webdav', url: 'https://files.example.net/' })], sieveServers: [aSieveServer()] }) })
    expect(document).not.toMatch(/jmap|files\.example|sieve/i)
  })
})
