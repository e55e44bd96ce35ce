/**
 * The PACC document (docs/clients.md §4.7) on tables of cases: what PACC can say, and the refusal,
 * naming why, for what it cannot (no ports, implicit TLS only, URLs without ports or placeholders).
 */
import { describe, expect, it } from 'vitest'
import type { DomainConfig } from '../../../src/core/model'
import { buildPacc, paccTxtRecord, renderPacc } from '../../../src/protocols/pacc/render'
import { aDavServer, aDomainConfig, anAccount, aProvider, aServer, aSieveServer, aUrlServer } from '../../support/build'

const OAUTH2 = { issuer: 'https://login.example.net', scope: null, authUrl: null, tokenUrl: null, clientId: null, password: true }
const IMAP = aServer()
const SMTP = aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL' })
const pacc = (overrides: Partial<DomainConfig>) => buildPacc(anAccount(aDomainConfig(overrides)))

describe('buildPacc: what PACC can express', () => {
  it.each<[string, Partial<DomainConfig>, unknown]>([
    ['IMAP 993 and submission 465, both SSL (§4.7: the implied ports)', { servers: [IMAP, SMTP] }, { imap: { host: 'imap.example.net' }, submit: { host: 'smtp.example.net' } }],
    ['POP3 on 995 beside IMAP', { servers: [IMAP, aServer({ type: 'pop', hostname: 'pop.example.net', port: 995 }), SMTP] }, { imap: { host: 'imap.example.net' }, pop3: { host: 'pop.example.net' }, submit: { host: 'smtp.example.net' } }],
    // The preferred server PACC can express; an alternative it cannot is simply not named.
    ['the expressible server of a type with a STARTTLS alternative', { servers: [IMAP, aServer({ hostname: 'imap-legacy.example.net', port: 143, socketType: 'STARTTLS', prio: 20 }), SMTP, aServer({ type: 'smtp', hostname: 'submit.example.net', port: 587, socketType: 'STARTTLS', prio: 20 })] }, { imap: { host: 'imap.example.net' }, submit: { host: 'smtp.example.net' } }],
    ['an SSL alternative when the preferred server uses STARTTLS', { servers: [aServer({ hostname: 'imap-legacy.example.net', port: 143, socketType: 'STARTTLS', prio: 10 }), aServer({ prio: 20 }), SMTP] }, { imap: { host: 'imap.example.net' }, submit: { host: 'smtp.example.net' } }],
    // §4.7: DAV URLs name the context path, the part every user shares.
    ['CalDAV and CardDAV as context paths', { servers: [IMAP, SMTP], davServers: [aDavServer({ url: 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/' }), aDavServer({ type: 'carddav', url: 'https://dav.example.net/card/' })] }, { imap: { host: 'imap.example.net' }, submit: { host: 'smtp.example.net' }, caldav: { url: 'https://dav.example.net/SOGo/dav/' }, carddav: { url: 'https://dav.example.net/card/' } }],
    ['JMAP and WebDAV by URL; ManageSieve has no place', { servers: [IMAP, SMTP], urlServers: [aUrlServer(), aUrlServer({ type: 'webdav', url: 'https://files.example.net/dav/' })], sieveServers: [aSieveServer()] }, { imap: { host: 'imap.example.net' }, submit: { host: 'smtp.example.net' }, jmap: { url: 'https://jmap.example.net/.well-known/jmap' }, webdav: { url: 'https://files.example.net/dav/' } }],
    ['JMAP alone, without IMAP or SMTP', { servers: [], urlServers: [aUrlServer()] }, { jmap: { url: 'https://jmap.example.net/.well-known/jmap' } }],
    // URL services are chosen like mail servers: the first one PACC can express.
    ['the CalDAV server without a port when the first one has one', { servers: [IMAP, SMTP], davServers: [aDavServer({ url: 'https://dav.example.net:8443/cal/' }), aDavServer({ url: 'https://cal.example.net/cal/' })] }, { imap: { host: 'imap.example.net' }, submit: { host: 'smtp.example.net' }, caldav: { url: 'https://cal.example.net/cal/' } }],
  ])('%s', (_case, overrides, protocols) => {
    const built = pacc(overrides)
    expect(built).toMatchObject({ ok: true })
    if (built.ok) expect(built.value.protocols).toEqual(protocols)
  })

  it.each<[string, Partial<DomainConfig>, unknown]>([
    ['password only', {}, { password: true }],
    ['an OAuth2 issuer beside passwords', { provider: aProvider({ oauth2: OAUTH2 }) }, { password: true, 'oauth-public': { issuer: 'https://login.example.net' } }],
    ['OAuth2 only: servers marked OAuth2 take no password', { provider: aProvider({ oauth2: { ...OAUTH2, password: false } }), servers: [aServer({ authentication: 'OAuth2' }), { ...SMTP, authentication: 'OAuth2' }] }, { password: false, 'oauth-public': { issuer: 'https://login.example.net' } }],
    // What is named decides: an OAuth2-only server is not offered as taking a password because an
    // alternative PACC cannot name (STARTTLS on 143) takes one.
    ['OAuth2-only servers named, a password-taking STARTTLS alternative not', { provider: aProvider({ oauth2: { ...OAUTH2, password: false } }), servers: [aServer({ authentication: 'OAuth2' }), aServer({ hostname: 'imap-legacy.example.net', port: 143, socketType: 'STARTTLS', prio: 20 }), { ...SMTP, authentication: 'OAuth2' }] }, { password: false, 'oauth-public': { issuer: 'https://login.example.net' } }],
    ['of two expressible servers, the one that takes a password', { provider: aProvider({ oauth2: { ...OAUTH2, password: false } }), servers: [aServer({ authentication: 'OAuth2', prio: 1 }), aServer({ hostname: 'imap-pw.example.net', prio: 20 }), SMTP] }, { password: true, 'oauth-public': { issuer: 'https://login.example.net' } }],
  ])('authentication: %s', (_case, overrides, authentication) => {
    const built = pacc(overrides)
    expect(built.ok && built.value.authentication).toEqual(authentication)
  })

  it.each<[string, Partial<DomainConfig>, unknown]>([
    ['name and short name, no help without a URL', {}, { provider: { name: 'Example Mail', shortName: 'Example' } }],
    ['the documentation URL as help', { provider: aProvider({ documentation: { url: 'https://help.example.net/mail', description: 'Mail setup' } }) }, { provider: { name: 'Example Mail', shortName: 'Example' }, help: { documentation: 'https://help.example.net/mail' } }],
  ])('info: %s', (_case, overrides, info) => {
    const built = pacc(overrides)
    expect(built.ok && built.value.info).toEqual(info)
  })
})

describe('buildPacc: refusals', () => {
  it.each<[string, Partial<DomainConfig>, string]>([
    // The done-when case: STARTTLS-only submission cannot be written as PACC's implied 465/TLS.
    ['STARTTLS-only submission', { servers: [IMAP, aServer({ type: 'smtp', hostname: 'submit.example.net', port: 587, socketType: 'STARTTLS' })] }, 'its SMTP submission server (submit.example.net port 587 STARTTLS) cannot be written in PACC, which implies port 465 with implicit TLS (SSL)'],
    ['IMAP on a port other than 993', { servers: [aServer({ port: 1993 }), SMTP] }, 'its IMAP server (imap.example.net port 1993 SSL) cannot be written in PACC, which implies port 993 with implicit TLS (SSL)'],
    ['a CalDAV URL with a port', { servers: [IMAP, SMTP], davServers: [aDavServer({ url: 'https://dav.example.net:8443/cal/' })] }, 'its CalDAV URL https://dav.example.net:8443/cal/ names port 8443, and PACC URLs carry no port'],
    ['a plain-http CardDAV URL', { servers: [IMAP, SMTP], davServers: [aDavServer({ type: 'carddav', url: 'http://dav.example.net/card/' })] }, 'its CardDAV URL http://dav.example.net/card/ is not https, and PACC URLs are'],
    ['a JMAP URL with a placeholder', { servers: [IMAP, SMTP], urlServers: [aUrlServer({ url: 'https://jmap.example.net/%EMAILLOCALPART%/session' })] }, 'its JMAP URL https://jmap.example.net/%EMAILLOCALPART%/session holds a placeholder, which PACC has no way to fill in'],
    ['no incoming server', { servers: [SMTP] }, 'it has no incoming mail server (IMAP, POP3 or JMAP)'],
    ['an OAuth2 issuer that is not an https URL (RFC 8414 discovery)', { provider: aProvider({ oauth2: { ...OAUTH2, issuer: 'login.example.net' } }) }, "its OAuth2 issuer login.example.net is not an https URL, which PACC's oauth-public needs (RFC 8414)"],
    ['every CalDAV URL with a port', { servers: [IMAP, SMTP], davServers: [aDavServer({ url: 'https://dav.example.net:8443/cal/' }), aDavServer({ url: 'https://cal.example.net:8444/cal/' })] }, 'its CalDAV URL https://dav.example.net:8443/cal/ names port 8443, and PACC URLs carry no port; its CalDAV URL https://cal.example.net:8444/cal/ names port 8444, and PACC URLs carry no port'],
    ['no password anywhere and no OAuth2 issuer', { servers: [aServer({ authentication: 'none' }), { ...SMTP, authentication: 'none' }] }, 'none of its servers takes a password, and it publishes no OAuth2 issuer'],
  ])('%s', (_case, overrides, reason) => {
    expect(pacc(overrides)).toEqual({ ok: false, error: [reason] })
  })

  it('names every reason at once', () => {
    const refused = pacc({ servers: [aServer({ port: 143, socketType: 'STARTTLS' }), aServer({ type: 'smtp', port: 587, socketType: 'STARTTLS' })] })
    expect(refused.ok ? [] : refused.error).toHaveLength(2)
  })
})

describe('renderPacc and the TXT digest', () => {
  const account = anAccount(aDomainConfig({ provider: aProvider({ oauth2: OAUTH2 }), davServers: [aDavServer()] }))

  it('writes the keys in the draft\'s order, compactly, the same bytes every time', () => {
    const body = renderPacc(account)
    expect(body).toEqual({
      ok: true,
      value:
        '{"protocols":{"imap":{"host":"imap.example.net"},"submit":{"host":"smtp.example.net"},"caldav":{"url":"https://dav.example.net/caldav/"}},' +
        '"authentication":{"password":true,"oauth-public":{"issuer":"https://login.example.net"}},"info":{"provider":{"name":"Example Mail","shortName":"Example"}}}',
    })
    expect(renderPacc(anAccount(aDomainConfig({ provider: aProvider({ oauth2: OAUTH2 }), davServers: [aDavServer()] })))).toEqual(body)
  })

  it('digests the exact bytes: v=UAAC1; a=sha256; d=<base64 SHA-256> (§4.7)', async () => {
    // SHA-256 of the empty string, a value anyone can check with `printf '' | openssl dgst -sha256 -binary | base64`.
    expect(await paccTxtRecord('')).toBe('v=UAAC1; a=sha256; d=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')
    const body = renderPacc(account)
    if (!body.ok) throw new Error('fixture')
    const changed = renderPacc(anAccount(aDomainConfig({ davServers: [aDavServer()] })))
    if (!changed.ok) throw new Error('fixture')
    expect(await paccTxtRecord(body.value)).not.toBe(await paccTxtRecord(changed.value))
  })
})
