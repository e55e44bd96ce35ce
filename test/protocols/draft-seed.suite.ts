/**
 * Every format's answer for the seed of issue 15's done-when (`DRAFT_SEED`: an OAuth2 issuer, JMAP,
 * WebDAV, ManageSieve and a documentation URL), through the whole service on every target, each
 * checked against its client rules (docs/clients.md §1.5–§1.8, §2.3, §3.3, §5.11); and the same
 * provider made OAuth2-only, where each format says what it cannot express. PACC has its own suite.
 */
import { XMLParser } from 'fast-xml-parser'
import { beforeEach, describe, expect, it } from 'vitest'
import { validateAutodiscoverPox } from '../../src/client-rules/autodiscover'
import { validateAutoconfig } from '../../src/client-rules/autoconfig'
import { validateMobileconfig } from '../../src/client-rules/mobileconfig'
import { parsePlist, type PlistDict } from '../../src/client-rules/plist'
import { DRAFT_SEED } from '../seed/export.suite'
import { chosenServers, CLIENT_READINGS } from '../support/autoconfig-readers'
import { seed, type ProtocolTarget } from '../support/target'

const ADDRESS = 'jane%40lakeview.example'
const AUTOCONFIG = `https://autoconfig.lakeview.example/mail/config-v1.1.xml?emailaddress=${ADDRESS}`
const MOBILECONFIG = `https://autoconfig.lakeview.example/mobileconfig?emailaddress=${ADDRESS}`
const POX_BODY =
  '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>jane@lakeview.example</EMailAddress>' +
  '<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>'

/** The same provider, its prio-10 IMAP and SMTP servers OAuth2-only; the STARTTLS alternatives take passwords. */
const OAUTH2_ONLY = {
  ...DRAFT_SEED,
  oauth2: { ...DRAFT_SEED.oauth2, password: false },
  servers: DRAFT_SEED.servers.map((s) => ((s.type === 'imap' || s.type === 'smtp') && 'prio' in s && s.prio === 10 ? { ...s, authentication: 'OAuth2' } : s)),
}

const protocolsOf = (xmlText: string) =>
  (new XMLParser({ isArray: (name) => name === 'Protocol' }).parse(xmlText) as { Autodiscover: { Response: { Account: { Protocol?: { Type: string; Server: string }[] } } } }).Autodiscover.Response.Account.Protocol ?? []

export function describeDraftSeedFormats(target: ProtocolTarget): void {
  describe(`every format for a provider with OAuth2, JMAP, WebDAV, ManageSieve and documentation on ${target.name}`, () => {
    const pox = () => target.fetch('https://autodiscover.lakeview.example/autodiscover/autodiscover.xml', { method: 'POST', body: POX_BODY, headers: { 'Content-Type': 'text/xml' } })

    describe('OAuth2 beside passwords', () => {
      beforeEach(async () => {
        await target.reset()
        expect((await seed(target, DRAFT_SEED)).status).toBe(200)
      })

      it('Autoconfig: version 1.2 that every reader ends on the prio-10 IMAP and SMTP servers of', async () => {
        const response = await target.fetch(AUTOCONFIG)
        expect(response.status).toBe(200)
        const document = await response.text()
        expect(document).toContain('<clientConfig version="1.2">')
        for (const element of ['<incomingServer type="jmap">', '<fileShare type="webdav">', '<setupServer type="managesieve">', '<oAuth2>', '<documentation url="https://help.lakeview.example/mail-setup">']) {
          expect(document).toContain(element)
        }
        expect(validateAutoconfig(document)).toEqual([])
        for (const reading of Object.values(CLIENT_READINGS)) {
          const chosen = chosenServers(document, reading)
          expect([chosen.imap, chosen.smtp]).toEqual(['imap.lakeview.example:993 SSL', 'smtp.lakeview.example:465 SSL'])
        }
      })

      it('POX: IMAP, SMTP and CalDAV, nothing for JMAP, WebDAV or ManageSieve', async () => {
        const text = await (await pox()).text()
        expect(validateAutodiscoverPox(text)).toEqual([])
        expect(protocolsOf(text).map((p) => `${p.Type} ${p.Server}`)).toEqual([
          'IMAP imap.lakeview.example',
          'SMTP smtp.lakeview.example',
          'IMAP imap-legacy.lakeview.example',
          'SMTP submit.lakeview.example',
          'CalDAV https://dav.lakeview.example/calendars/jane@lakeview.example/',
        ])
      })

      it('Apple profile: the prio-10 servers and the calendar, no payload for the rest', async () => {
        const response = await target.fetch(MOBILECONFIG)
        expect(response.status).toBe(200)
        const document = await response.text()
        expect(validateMobileconfig(document)).toEqual([])
        const payloads = (parsePlist(document) as PlistDict).PayloadContent as PlistDict[]
        expect(payloads.map((p) => p.PayloadType)).toEqual(['com.apple.mail.managed', 'com.apple.caldav.account'])
        expect(payloads[0]).toMatchObject({ IncomingMailServerHostName: 'imap.lakeview.example', OutgoingMailServerHostName: 'smtp.lakeview.example' })
      })
    })

    describe('OAuth2 only (oauth2.password false)', () => {
      beforeEach(async () => {
        await target.reset()
        expect((await seed(target, OAUTH2_ONLY)).status).toBe(200)
      })

      // §5.11: the STARTTLS alternatives take the password; the prio-10 servers list OAuth2 alone.
      it('Autoconfig: OAuth2 alone on the OAuth2-only servers, the password-taking alternatives as before', async () => {
        const document = await (await target.fetch(AUTOCONFIG)).text()
        expect(document).not.toContain('<authentication system="http">Basic</authentication>')
        expect(validateAutoconfig(document)).toEqual([])
        // The preferred server is still listed first: a client with OAuth2 for it takes it; Thunderbird,
        // which drops OAuth2 for hosts it does not know (§1.5), takes the next valid entry instead.
        expect(chosenServers(document, 'first').imap).toBe('imap.lakeview.example:993 SSL')
        expect(document).toMatch(/<hostname>imap\.lakeview\.example<\/hostname>\s*<port>993<\/port>\s*<socketType>SSL<\/socketType>\s*<username>%EMAILADDRESS%<\/username>\s*<authentication>OAuth2<\/authentication>\s*<\/incomingServer>/)
      })

      it('Autoconfig: with every server OAuth2-only, Thunderbird refuses the document, as the rules say', async () => {
        await target.reset()
        const everyServer = { ...OAUTH2_ONLY, servers: OAUTH2_ONLY.servers.filter((s) => !('prio' in s) || s.prio === 10) }
        expect((await seed(target, everyServer)).status).toBe(200)
        const problems = validateAutoconfig(await (await target.fetch(AUTOCONFIG)).text())
        expect(problems).toContain('§1.5: no valid incoming server (Thunderbird rejects the file)')
        // … and POX answers 501: it has no OAuth2 value, so nothing is left to offer.
        const text = await (await pox()).text()
        expect(text).toContain('<ErrorCode>501</ErrorCode>')
        // The profile says why, in one line.
        const profile = await target.fetch(MOBILECONFIG)
        expect(profile.status).toBe(404)
        expect(await profile.text()).toBe("lakeview.example's incoming mail servers take OAuth2 only, which a configuration profile cannot express")
        const page = await target.fetch(`https://autoconfig.lakeview.example/?emailaddress=${ADDRESS}`)
        expect(page.status).toBe(404)
        expect(await page.text()).toContain('signs in with OAuth2 only, which these settings and the profile cannot set up')
      })

      it('POX and the profile offer the password-taking alternatives and leave the calendar out', async () => {
        expect(protocolsOf(await (await pox()).text()).map((p) => `${p.Type} ${p.Server}`)).toEqual(['IMAP imap-legacy.lakeview.example', 'SMTP submit.lakeview.example'])
        const payloads = (parsePlist(await (await target.fetch(MOBILECONFIG)).text()) as PlistDict).PayloadContent as PlistDict[]
        expect(payloads.map((p) => p.PayloadType)).toEqual(['com.apple.mail.managed'])
        expect(payloads[0]).toMatchObject({ IncomingMailServerHostName: 'imap-legacy.lakeview.example', OutgoingMailServerHostName: 'submit.lakeview.example' })
      })
    })
  })
}
