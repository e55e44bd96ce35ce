import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../../../src/core/address'
import type { Authentication, DomainConfig, EmailAddress, SocketType, UserIdentity } from '../../../src/core/model'
import { renderMobileSync, renderPoxSettings, type OutlookSchema } from '../../../src/protocols/autodiscover/render'
import { aDavServer, aDomainConfig, aProvider, aServer, aSieveServer, aUrlServer, aUserAccount } from '../../support/build'

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'Protocol',
})

const OUTER_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'

type ProtocolNode = Record<string, string>

const address = (text: string): EmailAddress => {
  const parsed = parseEmailAddress(text)
  if (!parsed.ok) throw new Error(text)
  return parsed.value
}
const ALICE = address('Alice.Smith@example.net')

function pox(config: DomainConfig, options: { who?: EmailAddress; user?: UserIdentity | null; schema?: OutlookSchema } = {}) {
  const document = renderPoxSettings(aUserAccount(config, options.who ?? ALICE, options.user ?? null), options.schema ?? 'outlook-2006a')
  const root = parser.parse(document).Autodiscover
  return { document, root, response: root.Response, protocols: (root.Response.Account.Protocol ?? []) as ProtocolNode[] }
}

/**
 * How Thunderbird turns a Protocol into a socket type and an auth method (docs/clients.md §2.6): SSL
 * off or Encryption none → plain; else STARTTLS on 143/110/25/587, else SSL. SPA on → secure.
 */
function thunderbirdReading(p: ProtocolNode) {
  const socket =
    p.SSL?.toLowerCase() === 'off' || p.Encryption?.toLowerCase() === 'none'
      ? 'plain'
      : ['143', '110', '25', '587'].includes(p.Port ?? '')
        ? 'STARTTLS'
        : 'SSL'
  return { socket, auth: p.SPA === 'on' ? 'secure' : 'password-cleartext' }
}

describe('renderPoxSettings', () => {
  // §2.3 structure and §2.3 example.
  it('writes User and Account with one Protocol per server, in the namespaces of §2.3', () => {
    const { document, root, response, protocols } = pox(aDomainConfig())
    expect(document.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Autodiscover ')).toBe(true)
    expect(root['@xmlns']).toBe(OUTER_NS)
    expect(response['@xmlns']).toBe('http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a')
    expect(response.User).toEqual({ DisplayName: 'Alice.Smith@example.net' })
    expect(response.Account.AccountType).toBe('email')
    expect(response.Account.Action).toBe('settings')
    expect(protocols).toEqual([
      {
        Type: 'IMAP',
        Server: 'imap.example.net',
        Port: '993',
        LoginName: 'Alice.Smith@example.net',
        DomainRequired: 'off',
        SPA: 'off',
        SSL: 'on',
        Encryption: 'SSL',
        AuthRequired: 'on',
      },
      {
        Type: 'SMTP',
        Server: 'smtp.example.net',
        Port: '465',
        LoginName: 'Alice.Smith@example.net',
        DomainRequired: 'off',
        SPA: 'off',
        SSL: 'on',
        Encryption: 'SSL',
        AuthRequired: 'on',
        UsePOPAuth: 'on',
        SMTPLast: 'off',
      },
    ])
  })

  it('answers in the Outlook schema the client asked for', () => {
    expect(pox(aDomainConfig(), { schema: 'outlook-2006' }).response['@xmlns']).toBe(
      'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006',
    )
  })

  // §2.3 Type column: upper case, never an Exchange type.
  it('keeps priority order and writes IMAP, POP3 and SMTP', () => {
    const config = aDomainConfig({
      servers: [aServer(), aServer({ type: 'pop', port: 995, hostname: 'pop.example.net' }), aServer({ type: 'smtp', port: 465 })],
    })
    expect(pox(config).protocols.map((p) => p.Type)).toEqual(['IMAP', 'POP3', 'SMTP'])
  })

  // §2.3: Encryption TLS = STARTTLS, SSL = implicit TLS; SSL stays on for any TLS, because
  // Thunderbird reads SSL off as plaintext and ignores Encryption (§2.6).
  it.each<[SocketType, number, string, string, string]>([
    ['SSL', 993, 'on', 'SSL', 'SSL'],
    ['STARTTLS', 143, 'on', 'TLS', 'STARTTLS'],
    ['plain', 143, 'off', 'None', 'plain'],
  ])('maps socket type %s (port %i) to SSL %s, Encryption %s, which Thunderbird reads as %s', (socketType, port, ssl, encryption, tbSocket) => {
    const [imap] = pox(aDomainConfig({ servers: [aServer({ socketType, port })] })).protocols
    expect(imap).toMatchObject({ SSL: ssl, Encryption: encryption })
    expect(thunderbirdReading(imap ?? {}).socket).toBe(tbSocket)
  })

  it('writes STARTTLS submission on 587 so both Outlook and Thunderbird use STARTTLS', () => {
    const [smtp] = pox(aDomainConfig({ servers: [aServer({ type: 'smtp', port: 587, socketType: 'STARTTLS' })] })).protocols
    expect(smtp).toMatchObject({ Port: '587', SSL: 'on', Encryption: 'TLS' })
    expect(thunderbirdReading(smtp ?? {}).socket).toBe('STARTTLS')
  })

  // §2.3: SPA defaults to on when absent, so it is always written as off; AuthRequired is off
  // only for SMTP without authentication.
  it.each<[Authentication, string]>([
    ['plain', 'on'],
    ['secure', 'on'],
    ['NTLM', 'on'],
    ['OAuth2', 'on'],
    ['none', 'off'],
  ])('maps authentication %s to SPA off and AuthRequired %s', (authentication, authRequired) => {
    const [smtp] = pox(aDomainConfig({ servers: [aServer({ type: 'smtp', port: 465, authentication })] })).protocols
    expect(smtp).toMatchObject({ SPA: 'off', AuthRequired: authRequired, UsePOPAuth: authRequired, SMTPLast: 'off' })
    expect(thunderbirdReading(smtp ?? {}).auth).toBe('password-cleartext')
  })

  it('writes UsePOPAuth and SMTPLast on SMTP only', () => {
    const [imap] = pox(aDomainConfig()).protocols
    expect(imap).not.toHaveProperty('UsePOPAuth')
    expect(imap).not.toHaveProperty('SMTPLast')
  })

  // §5.12 (src/core/placeholders.ts): POX clients do not expand them, so the service does.
  it.each([
    ['%EMAILADDRESS%', 'Alice.Smith@example.net'],
    ['%EMAILLOCALPART%', 'Alice.Smith'],
    ['%EMAILLOCALPART%@%EMAILDOMAIN%', 'Alice.Smith@example.net'],
    ['mail-%EMAILLOCALPART%', 'mail-Alice.Smith'],
    ['shared-login', 'shared-login'],
  ])('expands the username template %s to %s', (username, expected) => {
    const { protocols } = pox(aDomainConfig({ servers: [aServer({ username }), aServer({ type: 'smtp', username })] }))
    expect(protocols.map((p) => p.LoginName)).toEqual([expected, expected])
  })

  it('uses the directory uid as LoginName and its common name as DisplayName', () => {
    const { response, protocols } = pox(aDomainConfig({ davServers: [aDavServer()] }), { user: { loginName: 'asmith', displayName: 'Alice Smith' } })
    expect(response.User.DisplayName).toBe('Alice Smith')
    expect(protocols.map((p) => p.LoginName)).toEqual(['asmith', 'asmith', 'asmith'])
  })

  it('falls back to the address and the template for what the directory did not find', () => {
    const { response, protocols } = pox(aDomainConfig(), { user: { loginName: null, displayName: null } })
    expect(response.User.DisplayName).toBe('Alice.Smith@example.net')
    expect(protocols[0]?.LoginName).toBe('Alice.Smith@example.net')
  })

  // The Autoconfig rule (src/core/server-choice.ts, §1.6, §5.10), applied here too so every format
  // steers clients to the same servers.
  it('leaves out a plain-text entry when the same protocol has an encrypted one', () => {
    const config = aDomainConfig({
      servers: [aServer({ socketType: 'plain', port: 143 }), aServer(), aServer({ type: 'smtp', socketType: 'plain', port: 25 })],
    })
    expect(pox(config).protocols.map((p) => `${p.Type} ${p.Port} ${p.Encryption}`)).toEqual(['IMAP 993 SSL', 'SMTP 25 None'])
  })

  // §2.3: eM Client reads CalDAV/CardDAV entries with the URL in Server.
  it('adds CalDAV and CardDAV servers as Protocol entries with the URL in Server', () => {
    const config = aDomainConfig({
      servers: [],
      davServers: [aDavServer(), aDavServer({ type: 'carddav', url: 'http://dav.example.net:8008/card/', port: 8008, useSsl: false, domainRequired: true, username: '%EMAILLOCALPART%' })],
    })
    expect(pox(config).protocols).toEqual([
      { Type: 'CalDAV', Server: 'https://dav.example.net/caldav/', Port: '443', LoginName: 'Alice.Smith@example.net', DomainRequired: 'off', SPA: 'off', SSL: 'on', AuthRequired: 'on' },
      { Type: 'CardDAV', Server: 'http://dav.example.net:8008/card/', Port: '8008', LoginName: 'Alice.Smith', DomainRequired: 'on', SPA: 'off', SSL: 'off', AuthRequired: 'on' },
    ])
  })

  it('escapes every value that goes into the XML', () => {
    const who = address('tom&jerry"o\'x@example.net')
    const { document, protocols, response } = pox(aDomainConfig({ servers: [aServer({ username: '%EMAILLOCALPART%<x>' })] }), { who, user: { loginName: null, displayName: 'A <b> & "c"' } })
    expect(document).toContain('<DisplayName>A &lt;b&gt; &amp; &quot;c&quot;</DisplayName>')
    expect(document).not.toContain('<x>')
    // What a client reads back after XML decoding: exactly the values, nothing injected.
    expect(protocols[0]?.LoginName).toBe(`tom&jerry"o'x<x>`)
    expect(response.User.DisplayName).toBe('A <b> & "c"')
  })

  // §5.9; §2.6: Thunderbird reads without namespaces, so no element has a prefix.
  it('writes no empty elements, no padded values and no prefixed names', () => {
    const { document } = pox(
      aDomainConfig({
        servers: [aServer({ authentication: 'OAuth2' }), aServer({ type: 'pop', port: 110, socketType: 'STARTTLS' }), aServer({ type: 'smtp', authentication: 'none' })],
        davServers: [aDavServer(), aDavServer({ type: 'carddav' })],
      }),
    )
    expect(document).not.toMatch(/<\w+[^>]*\/>/)
    expect(document).not.toMatch(/<(\w+)[^>]*>\s*<\/\1>/)
    expect(document).not.toMatch(/>[ \t]+[^<\s]|[^>\s][ \t]+<\//)
    expect(document).not.toMatch(/<\/?\w+:/)
  })

  // docs/clients.md §2.3: the DAV URL in Server is used literally, so it is expanded for the user.
  it('expands placeholders in DAV URLs', () => {
    const { protocols } = pox(aDomainConfig({ davServers: [aDavServer({ url: 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/' })] }))
    expect(protocols.find((p) => p.Type === 'CalDAV')?.Server).toBe('https://dav.example.net/SOGo/dav/Alice.Smith@example.net/Calendar/')
  })

  it('renders the same bytes for the same input', () => {
    const config = aDomainConfig({ davServers: [aDavServer()] })
    expect(renderPoxSettings(aUserAccount(config, ALICE), 'outlook-2006a')).toBe(renderPoxSettings(aUserAccount(config, ALICE), 'outlook-2006a'))
  })
})

// §5.11: POX has no OAuth2 value; §1.8's JMAP, WebDAV and ManageSieve have no place in it.
describe('renderPoxSettings: what POX cannot express', () => {
  const OAUTH2_ONLY = aProvider({ oauth2: { issuer: 'https://login.example.net', scope: null, authUrl: null, tokenUrl: null, clientId: null, password: false } })

  it('leaves out OAuth2-only servers, and DAV servers of an OAuth2-only provider', () => {
    const { protocols } = pox(
      aDomainConfig({
        provider: OAUTH2_ONLY,
        servers: [aServer({ authentication: 'OAuth2' }), aServer({ hostname: 'imap-pw.example.net', prio: 20 }), aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465 })],
        davServers: [aDavServer()],
      }),
    )
    expect(protocols.map((p) => `${p.Type} ${p.Server}`)).toEqual(['IMAP imap-pw.example.net', 'SMTP smtp.example.net'])
  })

  it('keeps OAuth2 servers that also take the password (the default)', () => {
    const { protocols } = pox(aDomainConfig({ servers: [aServer({ authentication: 'OAuth2' }), aServer({ type: 'smtp', port: 465 })], davServers: [aDavServer()] }))
    expect(protocols.map((p) => p.Type)).toEqual(['IMAP', 'SMTP', 'CalDAV'])
  })

  it('has no place for JMAP, WebDAV or ManageSieve', () => {
    const { document } = pox(aDomainConfig({ urlServers: [aUrlServer(), aUrlServer({ type: 'webdav', url: 'https://files.example.net/' })], sieveServers: [aSieveServer()] }))
    expect(document).not.toMatch(/jmap|files\.example|sieve/i)
  })
})

describe('renderMobileSync', () => {
  const URL = 'https://eas.example.net/Microsoft-Server-ActiveSync'

  // §2.8: outer responseschema/2006, inner mobilesync/responseschema/2006; Culture, User,
  // Action/Settings/Server with Type MobileSync and the URL as Url and Name.
  it('writes the mobilesync response of §2.8', () => {
    const document = renderMobileSync(aUserAccount(aDomainConfig(), ALICE), URL)
    const root = parser.parse(document).Autodiscover
    expect(root['@xmlns']).toBe(OUTER_NS)
    expect(root.Response).toEqual({
      '@xmlns': 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
      Culture: 'en:us',
      User: { DisplayName: 'Alice.Smith@example.net', EMailAddress: 'Alice.Smith@example.net' },
      Action: { Settings: { Server: { Type: 'MobileSync', Url: URL, Name: URL } } },
    })
  })

  it('uses the directory common name as DisplayName', () => {
    const root = parser.parse(renderMobileSync(aUserAccount(aDomainConfig(), ALICE, { loginName: 'asmith', displayName: 'Alice Smith' }), URL)).Autodiscover
    expect(root.Response.User).toEqual({ DisplayName: 'Alice Smith', EMailAddress: 'Alice.Smith@example.net' })
  })

  it('escapes the URL and the address', () => {
    const document = renderMobileSync(aUserAccount(aDomainConfig(), address('t&j@example.net')), 'https://eas.example.net/sync?a=1&b=<2>')
    expect(document).toContain('<Url>https://eas.example.net/sync?a=1&amp;b=&lt;2&gt;</Url>')
    expect(document).toContain('<EMailAddress>t&amp;j@example.net</EMailAddress>')
  })
})
