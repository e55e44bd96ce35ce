import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import type { Authentication, DomainConfig } from '../../../src/core/model'
import { renderAutoconfig } from '../../../src/protocols/autoconfig/render'
import { chosenServers, CLIENT_READINGS } from '../../support/autoconfig-readers'
import { validateAutoconfig } from '../../../src/client-rules/autoconfig'
import { aDavServer, aDomainConfig, anAccount, aProvider, aServer, aSieveServer, aUrlServer, aUserAccount } from '../../support/build'

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['domain', 'incomingServer', 'outgoingServer', 'authentication', 'calendar', 'addressbook', 'fileShare', 'setupServer', 'descr'].includes(name),
})

interface ServerNode {
  '@type': string
  hostname: string
  port: string
  socketType: string
  username: string
  authentication: string[]
}

function parse(config: DomainConfig, loginName: string | null = null) {
  const document = renderAutoconfig(anAccount(config, loginName ? { loginName, displayName: null } : null))
  const root = parser.parse(document).clientConfig
  return {
    document,
    root,
    provider: root.emailProvider,
    incoming: (root.emailProvider.incomingServer ?? []) as ServerNode[],
    outgoing: (root.emailProvider.outgoingServer ?? []) as ServerNode[],
  }
}

const BASIC = { '#text': 'Basic', '@system': 'http' }

describe('renderAutoconfig', () => {
  it('writes the lowest-common-denominator document of docs/clients.md §1.9', () => {
    const { document, provider, incoming, outgoing } = parse(aDomainConfig())
    expect(document.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.2">')).toBe(true)
    expect(provider['@id']).toBe('example.net')
    expect(provider.domain).toEqual(['example.net', 'example.org'])
    expect(provider.displayName).toBe('Example Mail')
    expect(provider.displayShortName).toBe('Example')
    expect(incoming).toEqual([
      {
        '@type': 'imap',
        hostname: 'imap.example.net',
        port: '993',
        socketType: 'SSL',
        username: '%EMAILADDRESS%',
        authentication: ['password-cleartext'],
      },
    ])
    expect(outgoing[0]).toMatchObject({ '@type': 'smtp', hostname: 'smtp.example.net', port: '465', socketType: 'SSL' })
    expect(validateAutoconfig(document)).toEqual([])
  })

  // §1.5: the id must be host-name-like; the provider's first domain is one by construction.
  it('uses the first provider domain as emailProvider id, whichever domain was asked for', () => {
    const { provider } = parse(aDomainConfig({ domain: 'example.org' }))
    expect(provider['@id']).toBe('example.net')
  })

  // §1.4 authentication table: Thunderbird for Android ignores the deprecated plain/secure names.
  it.each<[Authentication, string[]]>([
    ['plain', ['password-cleartext']],
    ['secure', ['password-encrypted']],
    ['NTLM', ['NTLM']],
    // §5.11 / §5.11: Thunderbird drops OAuth2 for unknown hosts, so a password follows.
    ['OAuth2', ['OAuth2', 'password-cleartext']],
  ])('maps authentication %s to %j', (authentication, expected) => {
    const { incoming, outgoing } = parse(
      aDomainConfig({
        servers: [aServer({ authentication }), aServer({ type: 'smtp', port: 465, authentication })],
      }),
    )
    expect(incoming[0]?.authentication).toEqual(expected)
    expect(outgoing[0]?.authentication).toEqual(expected)
  })

  it('maps authentication none on smtp to none (Thunderbird accepts it for outgoing servers, §1.4)', () => {
    const { outgoing } = parse(aDomainConfig({ servers: [aServer(), aServer({ type: 'smtp', authentication: 'none' })] }))
    expect(outgoing[0]?.authentication).toEqual(['none'])
  })

  // §1.9: Thunderbird makes the first valid incoming server the default; the data is pre-sorted
  // by lookup, and the renderer keeps that order.
  it('keeps server order and writes pop as pop3 after imap', () => {
    const { incoming, document } = parse(
      aDomainConfig({
        servers: [
          aServer({ hostname: 'imap.example.net' }),
          aServer({ type: 'pop', hostname: 'pop.example.net', port: 995 }),
          aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465 }),
        ],
      }),
    )
    expect(incoming.map((s) => [s['@type'], s.hostname])).toEqual([
      ['imap', 'imap.example.net'],
      ['pop3', 'pop.example.net'],
    ])
    expect(validateAutoconfig(document)).toEqual([])
  })

  // §1.6: one plain imap/smtp entry makes Thunderbird for Android reject the whole file.
  it('drops a plain entry of a protocol that also has an encrypted one', () => {
    const { incoming, outgoing, document } = parse(
      aDomainConfig({
        servers: [
          aServer({ socketType: 'SSL', port: 993 }),
          aServer({ socketType: 'plain', port: 143 }),
          aServer({ type: 'smtp', socketType: 'STARTTLS', port: 587 }),
          aServer({ type: 'smtp', socketType: 'plain', port: 25 }),
        ],
      }),
    )
    expect(incoming.map((s) => s.socketType)).toEqual(['SSL'])
    expect(outgoing.map((s) => s.socketType)).toEqual(['STARTTLS'])
    expect(validateAutoconfig(document)).toEqual([])
  })

  it('keeps a plain entry when it is the only one of its protocol', () => {
    const { incoming } = parse(
      aDomainConfig({
        servers: [aServer({ type: 'pop', socketType: 'plain', port: 110 }), aServer({ type: 'imap' }), aServer({ type: 'smtp' })],
      }),
    )
    expect(incoming.map((s) => [s['@type'], s.socketType])).toEqual([
      ['pop3', 'plain'],
      ['imap', 'SSL'],
    ])
  })

  it('keeps STARTTLS entries next to SSL ones, the preferred one repeated last', () => {
    const { outgoing } = parse(
      aDomainConfig({
        servers: [aServer(), aServer({ type: 'smtp', port: 465, socketType: 'SSL' }), aServer({ type: 'smtp', port: 587, socketType: 'STARTTLS' })],
      }),
    )
    expect(outgoing.map((s) => [s.port, s.socketType])).toEqual([
      ['465', 'SSL'],
      ['587', 'STARTTLS'],
      ['465', 'SSL'],
    ])
  })

  // §1.7/§5.10: first-wins and last-wins clients end on the same server of each type. The provider of
  // issue 13: two servers per type, prio 10 (implicit TLS) and prio 20 (STARTTLS).
  const twoPerType = aDomainConfig({
    servers: [
      aServer({ type: 'imap', hostname: 'imap.example.net', port: 993, socketType: 'SSL', prio: 10 }),
      aServer({ type: 'imap', hostname: 'imap-legacy.example.net', port: 143, socketType: 'STARTTLS', prio: 20 }),
      aServer({ type: 'pop', hostname: 'pop.example.net', port: 995, socketType: 'SSL', prio: 30 }),
      aServer({ type: 'pop', hostname: 'pop-legacy.example.net', port: 110, socketType: 'STARTTLS', prio: 40 }),
      aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL', prio: 10 }),
      aServer({ type: 'smtp', hostname: 'submit.example.net', port: 587, socketType: 'STARTTLS', prio: 20 }),
    ],
  })
  it.each(Object.entries(CLIENT_READINGS))('%s (takes the %s entry) ends on the preferred server of each type', (_client, reading) => {
    const { document } = parse(twoPerType)
    expect(chosenServers(document, reading)).toEqual({
      imap: 'imap.example.net:993 SSL',
      pop3: 'pop.example.net:995 SSL',
      smtp: 'smtp.example.net:465 SSL',
    })
    expect(validateAutoconfig(document)).toEqual([])
  })

  it('repeats nothing for a type with one server, and keeps the preferred incoming server first', () => {
    const { incoming, outgoing } = parse(
      aDomainConfig({
        servers: [
          aServer({ type: 'imap', hostname: 'imap.example.net', prio: 10 }),
          aServer({ type: 'pop', hostname: 'pop.example.net', port: 995, prio: 20 }),
          aServer({ type: 'pop', hostname: 'pop2.example.net', port: 995, prio: 30 }),
          aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465 }),
        ],
      }),
    )
    expect(incoming.map((s) => s.hostname)).toEqual(['imap.example.net', 'pop.example.net', 'pop2.example.net', 'pop.example.net'])
    expect(outgoing.map((s) => s.hostname)).toEqual(['smtp.example.net'])
  })

  // §1.4: the client expands them; FairEmail only knows exact placeholders.
  it.each(['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILLOCALPART%@corp.example'])('keeps the username template %s as is', (username) => {
    const { incoming } = parse(aDomainConfig({ servers: [aServer({ username }), aServer({ type: 'smtp', username })] }))
    expect(incoming[0]?.username).toBe(username)
  })

  it('puts a login name found in a directory into every server', () => {
    const { incoming, outgoing, root } = parse(
      aDomainConfig({ davServers: [aDavServer()] }),
      'jdoe',
    )
    expect(incoming[0]?.username).toBe('jdoe')
    expect(outgoing[0]?.username).toBe('jdoe')
    expect(root.calendar[0].username).toBe('jdoe')
  })

  // §1.8: version 1.2 spellings (addressbook, url, system="http" Basic).
  it('adds CalDAV and CardDAV servers in the 1.2 calendar/addressbook form', () => {
    const { root, document } = parse(
      aDomainConfig({
        davServers: [aDavServer(), aDavServer({ type: 'carddav', url: 'https://dav.example.net/carddav/' })],
      }),
    )
    expect(root.calendar).toEqual([
      { '@type': 'caldav', url: 'https://dav.example.net/caldav/', username: '%EMAILADDRESS%', authentication: [BASIC] },
    ])
    expect(root.addressbook).toEqual([
      { '@type': 'carddav', url: 'https://dav.example.net/carddav/', username: '%EMAILADDRESS%', authentication: [BASIC] },
    ])
    expect(document).not.toContain('addressBook')
    expect(validateAutoconfig(document)).toEqual([])
  })

  it('escapes every value that goes into the XML', () => {
    const { document, provider } = parse(
      aDomainConfig({
        provider: aProvider({ name: 'Bob & <Alice> "Mail"', shortName: "O'Mail", domains: ['example.net'] }),
        servers: [aServer({ username: '%EMAILLOCALPART%&x<y>' }), aServer({ type: 'smtp' })],
      }),
    )
    expect(document).toContain('<displayName>Bob &amp; &lt;Alice&gt; &quot;Mail&quot;</displayName>')
    expect(provider.displayShortName).toBe("O'Mail")
    expect(document).not.toContain('<y>')
  })

  // §5.9: no empty elements, no whitespace around values.
  it('writes no empty elements and no padded values, whatever the input', () => {
    const { document } = parse(
      aDomainConfig({
        servers: [aServer({ authentication: 'OAuth2' }), aServer({ type: 'pop', port: 995 }), aServer({ type: 'smtp', port: 587, socketType: 'STARTTLS' })],
        davServers: [aDavServer(), aDavServer({ type: 'carddav' })],
      }),
    )
    expect(document).not.toMatch(/<\w+[^>]*\/>/)
    expect(document).not.toMatch(/<(\w+)[^>]*>\s*<\/\1>/)
    expect(document).not.toMatch(/>[ \t]+[^<\s]|[^>\s][ \t]+<\//)
    expect(validateAutoconfig(document)).toEqual([])
  })

  // docs/clients.md §5.12: Autoconfig keeps templates; the document holds nobody's address and may
  // be shared by every user of the domain.
  it('keeps placeholders in DAV URLs and usernames even when the request named a user', () => {
    const config = aDomainConfig({ davServers: [aDavServer({ url: 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/' })] })
    const who = { localPart: 'jane', domain: 'example.net', address: 'jane@example.net' }
    const document = renderAutoconfig(aUserAccount(config, who))
    expect(document).toContain('<url>https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/</url>')
    expect(document).not.toContain('jane')
  })

  it('renders the same bytes for the same input', () => {
    const config = aDomainConfig({ davServers: [aDavServer()] })
    expect(renderAutoconfig(anAccount(config))).toBe(renderAutoconfig(anAccount(config)))
  })
})

// §1.8 (draft-06) elements, each placed where the readers of §1.5–§1.7 cannot trip over it.
describe('renderAutoconfig: version 1.2 elements', () => {
  const OAUTH2 = { issuer: 'https://login.example.net', scope: 'IMAP SMTP offline_access', authUrl: 'https://login.example.net/auth', tokenUrl: 'https://login.example.net/token', clientId: 'mail-open', password: true }
  const PRIO = [
    aServer({ prio: 10 }),
    aServer({ hostname: 'imap2.example.net', port: 143, socketType: 'STARTTLS', prio: 20 }),
    aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, prio: 10 }),
    aServer({ type: 'smtp', hostname: 'submit.example.net', port: 587, socketType: 'STARTTLS', prio: 20 }),
  ]
  const everything = aDomainConfig({
    provider: aProvider({ oauth2: OAUTH2, documentation: { url: 'https://help.example.net/mail', description: 'Setting up mail' } }),
    servers: PRIO,
    davServers: [aDavServer()],
    urlServers: [aUrlServer(), aUrlServer({ type: 'webdav', url: 'https://files.example.net/dav/%EMAILLOCALPART%/' })],
    sieveServers: [aSieveServer()],
  })

  it.each<[string, DomainConfig, (root: ReturnType<typeof parse>) => void]>([
    // §1.6: at the root, where Thunderbird for Android skips it; every element the provider has, no empty one.
    ['the OAuth2 block at the root', everything, ({ root, provider }) => {
      expect(root.oAuth2).toEqual({ issuer: OAUTH2.issuer, scope: OAUTH2.scope, authURL: OAUTH2.authUrl, tokenURL: OAUTH2.tokenUrl, clientID: OAUTH2.clientId })
      expect(provider.oAuth2).toBeUndefined()
    }],
    ['only the OAuth2 elements that are set', aDomainConfig({ provider: aProvider({ oauth2: { ...OAUTH2, scope: null, authUrl: null, tokenUrl: null, clientId: null } }) }), ({ root }) => {
      expect(root.oAuth2).toEqual({ issuer: OAUTH2.issuer })
    }],
    ['no OAuth2 block without an issuer', aDomainConfig(), ({ root }) => expect(root.oAuth2).toBeUndefined()],
    // §1.8: JMAP is an incoming type with a URL; after every IMAP entry, the preferred one's repeat included (§1.7).
    ['JMAP after the IMAP entries, with OAuth2 then HTTP Basic', everything, ({ incoming }) => {
      expect(incoming.map((s) => s['@type'])).toEqual(['imap', 'imap', 'imap', 'jmap'])
      expect(incoming[3]).toEqual({ '@type': 'jmap', url: 'https://jmap.example.net/.well-known/jmap', username: '%EMAILADDRESS%', authentication: ['OAuth2', BASIC] })
    }],
    ['WebDAV as a fileShare at the root, placeholders kept', everything, ({ root }) => {
      expect(root.fileShare).toEqual([{ '@type': 'webdav', url: 'https://files.example.net/dav/%EMAILLOCALPART%/', username: '%EMAILADDRESS%', authentication: ['OAuth2', BASIC] }])
    }],
    ['ManageSieve as a setupServer at the root', everything, ({ root }) => {
      expect(root.setupServer).toEqual([{ '@type': 'managesieve', hostname: 'sieve.example.net', port: '4190', socketType: 'STARTTLS', username: '%EMAILADDRESS%', authentication: ['password-cleartext'] }])
    }],
    ['documentation with its description', everything, ({ provider }) => {
      expect(provider.documentation).toEqual({ '@url': 'https://help.example.net/mail', descr: ['Setting up mail'] })
    }],
    // §5.9: never an empty element, so the name stands in for a missing description.
    ['documentation without a description names the provider', aDomainConfig({ provider: aProvider({ documentation: { url: 'https://help.example.net/', description: null } }) }), ({ provider }) => {
      expect(provider.documentation).toEqual({ '@url': 'https://help.example.net/', descr: ['Example Mail'] })
    }],
    ['no documentation element without a URL', aDomainConfig(), ({ provider }) => expect(provider.documentation).toBeUndefined()],
    // §5.11: an OAuth2-only provider gets no password fallback anywhere.
    ['OAuth2 only: no password-cleartext after OAuth2, no HTTP Basic', aDomainConfig({
      provider: aProvider({ oauth2: { ...OAUTH2, password: false } }),
      servers: [aServer({ authentication: 'OAuth2' }), aServer({ type: 'smtp', authentication: 'plain' })],
      urlServers: [aUrlServer()],
    }), ({ incoming, outgoing }) => {
      expect(incoming.map((s) => s.authentication)).toEqual([['OAuth2'], ['OAuth2']])
      expect(outgoing[0]?.authentication).toEqual(['password-cleartext'])
    }],
  ])('writes %s', (_case, config, check) => {
    const parsed = parse(config)
    check(parsed)
  })

  // The done-when of the 1.2 work: every reader still ends on the prio-10 IMAP and SMTP servers.
  it.each(Object.entries(CLIENT_READINGS))('%s still ends on the prio-10 IMAP and SMTP servers', (_client, reading) => {
    const { document } = parse(everything)
    const chosen = chosenServers(document, reading)
    expect([chosen.imap, chosen.smtp]).toEqual(['imap.example.net:993 SSL', 'smtp.example.net:465 SSL'])
    expect(validateAutoconfig(document)).toEqual([])
  })
})
