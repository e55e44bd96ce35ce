/**
 * Microsoft Autodiscover POX and mobilesync (docs/clients.md §2.1–§2.8) through the whole service, on any
 * storage driver (test/support/target.ts).
 */
import { XMLParser } from 'fast-xml-parser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { validateAutodiscoverPox } from '../../../src/client-rules/autodiscover'
import { serverIdFor } from '../../../src/protocols/autodiscover/error-document'
import sample from '../../../seed/sample.json'
import mobilesyncBody from './fixtures/ios-mobilesync-request.xml?raw'
import outlookBody from './fixtures/outlook-autodiscover-request.xml?raw'
import thunderbirdBody from './fixtures/thunderbird-autodiscover-request.xml?raw'
import { ldapPorts, ldapSeedEntry } from '../../support/ldap-fixture'
import { seed, type ProtocolTarget } from '../../support/target'

const HOST = 'autodiscover.example.com'
const POX_URL = `https://${HOST}/autodiscover/autodiscover.xml`
const EAS = 'https://eas.example.com/Microsoft-Server-ActiveSync'
const SEED = {
  version: 2,
  provider: 'Example Inc.',
  domains: ['example.com', 'example.net'],
  servers: [
    { type: 'imap', name: 'imap.example.com', port: 993 },
    { type: 'smtp', name: 'smtp.example.com', port: 587, socket_type: 'STARTTLS' },
    { type: 'caldav', url: 'https://dav.example.com/caldav/' },
    { type: 'activesync', url: EAS },
  ],
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'Protocol' })

async function post(target: ProtocolTarget, body: string | Uint8Array, options: { url?: string; headers?: Record<string, string> } = {}) {
  const response = await target.fetch(options.url ?? POX_URL, { method: 'POST', body, headers: options.headers })
  const text = await response.text()
  return { response, text, root: response.headers.get('Content-Type')?.startsWith('text/xml') ? parser.parse(text).Autodiscover : undefined }
}

const withAddress = (body: string, address: string) => body.replace('alice@example.com', address)
const protocolsOf = (root: { Response: { Account: { Protocol: Record<string, string>[] } } }) => root.Response.Account.Protocol

/** Expects a §2.5 error document with HTTP 200 (unless told), and returns its Error element. */
function expectError(result: Awaited<ReturnType<typeof post>>, code: number, status = 200) {
  expect(result.response.status).toBe(status)
  expect(result.response.headers.get('Content-Type')).toBe('text/xml; charset=utf-8')
  const error = result.root.Response.Error
  expect(error.ErrorCode).toBe(String(code))
  expect(error['@Time']).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/)
  expect(error['@Id']).toBe(String(serverIdFor(HOST)))
  return error as { Message: string }
}

export function describeAutodiscover(target: ProtocolTarget): void {
  describe(`Autodiscover POX and mobilesync on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, SEED)).status).toBe(200)
    })
    afterEach(() => vi.restoreAllMocks())

    describe('POST /autodiscover/autodiscover.xml (POX)', () => {
      // §5.8, §5.8: every casing, and the root alias.
      it.each([
        '/autodiscover/autodiscover.xml',
        '/Autodiscover/Autodiscover.xml',
        '/AutoDiscover/AutoDiscover.xml',
        '/AUTODISCOVER/AUTODISCOVER.XML',
        '/autodiscover.xml',
        '/Autodiscover.xml',
      ])('answers Thunderbird’s request on %s with the settings', async (path) => {
        const { response, root, text } = await post(target, thunderbirdBody, { url: `https://${HOST}${path}` })
        expect(response.status).toBe(200)
        expect(validateAutodiscoverPox(text)).toEqual([])
        // §2.3: 200, text/xml; per-user answers are not cached (§5.6).
        expect(response.headers.get('Content-Type')).toBe('text/xml; charset=utf-8')
        expect(response.headers.get('Cache-Control')).toBe('no-store')
        expect(root.Response.User.DisplayName).toBe('alice@example.com')
        expect(protocolsOf(root).map((p) => `${p.Type} ${p.Server} ${p.Port} ${p.Encryption} ${p.LoginName}`)).toEqual([
          'IMAP imap.example.com 993 SSL alice@example.com',
          'SMTP smtp.example.com 587 TLS alice@example.com',
          'CalDAV https://dav.example.com/caldav/ 443 undefined alice@example.com',
        ])
      })

      it('answers Outlook’s request with every element of §2.3', async () => {
        const { response, root, text } = await post(target, withAddress(outlookBody, 'Bob@Example.NET'), { headers: { 'Content-Type': 'text/xml' } })
        expect(response.status).toBe(200)
        expect(validateAutodiscoverPox(text)).toEqual([])
        expect(root.Response['@xmlns']).toBe('http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a')
        expect(root.Response.Account).toMatchObject({ AccountType: 'email', Action: 'settings' })
        expect(protocolsOf(root)[1]).toEqual({
          Type: 'SMTP',
          Server: 'smtp.example.com',
          Port: '587',
          LoginName: 'Bob@example.net',
          DomainRequired: 'off',
          SPA: 'off',
          SSL: 'on',
          Encryption: 'TLS',
          AuthRequired: 'on',
          UsePOPAuth: 'on',
          SMTPLast: 'off',
        })
      })

      // §2.2: any XML content type or none; automx2's strictness is not copied.
      it.each([
        ['no content type', new TextEncoder().encode(thunderbirdBody), {}],
        ['text/xml; charset=utf-8 (Thunderbird)', thunderbirdBody, { 'Content-Type': 'text/xml; charset=utf-8' }],
        ['application/xml', thunderbirdBody, { 'Content-Type': 'application/xml' }],
        ['application/octet-stream', thunderbirdBody, { 'Content-Type': 'application/octet-stream' }],
      ])('accepts a body with %s', async (_case, body, headers) => {
        const { response, root } = await post(target, body, { headers })
        expect(response.status).toBe(200)
        expect(protocolsOf(root)).toHaveLength(3)
      })

      // §2.2: both spellings, any prefix.
      it.each([
        ['https:// namespaces', thunderbirdBody.replaceAll('http://schemas', 'https://schemas')],
        ['namespace prefixes', thunderbirdBody.replace(/<(\/?)(\w+)/g, '<$1ad:$2').replace('xmlns=', 'xmlns:ad=').replace('<ad:?xml', '<?xml')],
      ])('accepts a request with %s', async (_case, body) => {
        const { response, root } = await post(target, body)
        expect(response.status).toBe(200)
        expect(protocolsOf(root)[0]?.Type).toBe('IMAP')
      })

      // §2.2: Thunderbird sends the address unescaped.
      it('finds the settings for an address with an unescaped &', async () => {
        const { response, root, text } = await post(target, withAddress(thunderbirdBody, 'tom&jerry@example.com'))
        expect(response.status).toBe(200)
        expect(protocolsOf(root)[0]?.LoginName).toBe('tom&jerry@example.com')
        expect(text).toContain('<LoginName>tom&amp;jerry@example.com</LoginName>')
      })

      // §2.1: a LegacyDN alone cannot be resolved here; with an address, the address is used.
      // docs/clients.md §2.3: eM Client and Outlook use the DAV URL in Server literally.
      it('expands placeholders in the DAV URLs it names', async () => {
        await target.reset()
        await seed(target, {
          ...SEED,
          servers: [...SEED.servers.filter((s) => s.type !== 'caldav'), { type: 'caldav', url: 'https://dav.example.com/SOGo/dav/%EMAILADDRESS%/Calendar/personal/' }],
        })
        const { root, text } = await post(target, withAddress(outlookBody, 'jane@example.net'))
        const caldav = protocolsOf(root).find((p) => p.Type === 'CalDAV')
        expect(caldav?.Server).toBe('https://dav.example.com/SOGo/dav/jane@example.net/Calendar/personal/')
        expect(text).not.toContain('%EMAIL')
      })

      it('answers a LegacyDN-only request with ErrorCode 600', async () => {
        const body = thunderbirdBody.replace(/<EMailAddress>.*<\/EMailAddress>/, '<LegacyDN>/o=Example/ou=First/cn=Recipients/cn=alice</LegacyDN>')
        expect(expectError(await post(target, body), 600).Message).toContain('LegacyDN')
      })

      it('uses EMailAddress when LegacyDN comes with it', async () => {
        const body = thunderbirdBody.replace('<EMailAddress>', '<LegacyDN>/o=Example/cn=bob</LegacyDN><EMailAddress>')
        const { response, root } = await post(target, body)
        expect(response.status).toBe(200)
        expect(root.Response.User.DisplayName).toBe('alice@example.com')
      })

      // §2.5: malformed → 600, unavailable schema → 601, unknown address → 500; always HTTP 200.
      it.each([
        ['an empty body', '', 'empty'],
        ['a body that is not XML', 'EMailAddress=alice@example.com', 'not well-formed XML'],
        ['a malformed address', withAddress(thunderbirdBody, 'alice.example.com'), 'EMailAddress: the email address is malformed'],
        ['an address with an IP literal', withAddress(thunderbirdBody, 'alice@127.0.0.1'), 'EMailAddress: the email address has an invalid domain'],
      ])('answers %s with ErrorCode 600', async (_case, body, message) => {
        expect(expectError(await post(target, body), 600).Message).toContain(message)
      })

      it('answers a response schema it does not produce with ErrorCode 601', async () => {
        const body = thunderbirdBody.replace('responseschema/2006a', 'responseschema/2006b')
        expect(expectError(await post(target, body), 601).Message).toContain('responseschema/2006b')
      })

      it('answers an unknown domain with ErrorCode 500', async () => {
        expect(expectError(await post(target, withAddress(thunderbirdBody, 'alice@nowhere.example')), 500).Message).toBe('no mail configuration for nowhere.example')
      })

      it('answers a domain without any servers with ErrorCode 501', async () => {
        await target.reset()
        await seed(target, { version: 2, provider: 'Empty', domains: ['empty.example'], servers: [{ type: 'activesync', url: EAS }] })
        expectError(await post(target, withAddress(thunderbirdBody, 'a@empty.example')), 501)
      })

      // Issue: never expand entities nor fetch DTDs.
      it('refuses an entity-expansion attack without expanding it', async () => {
        const laughs = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l1 "&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;"><!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">]><Autodiscover><Request><EMailAddress>&l3;@example.com</EMailAddress></Request></Autodiscover>`
        const result = await post(target, laughs)
        expect(expectError(result, 600).Message).toBe('document type and entity declarations are not accepted')
        expect(result.text).not.toContain('lollol')
      })

      it('refuses an external DTD without fetching it', async () => {
        const fetchSpy = vi.spyOn(globalThis, 'fetch')
        const body = thunderbirdBody.replace('<Autodiscover', '<!DOCTYPE Autodiscover SYSTEM "https://attacker.example/evil.dtd">\n<Autodiscover')
        expectError(await post(target, body), 600)
        expect(fetchSpy).not.toHaveBeenCalled()
      })

      // Issue: bodies over 64 KiB → 413; up to the limit they are read.
      it('answers a 65 KiB body with 413', async () => {
        const body = thunderbirdBody + `<!--${'x'.repeat(65 * 1024)}-->`
        const { response, text } = await post(target, body)
        expect(response.status).toBe(413)
        expect(text).toBe('the request body is larger than 65536 bytes')
      })

      it('reads a body of exactly 64 KiB', async () => {
        const padding = 64 * 1024 - new TextEncoder().encode(thunderbirdBody).length - '<!---->'.length
        const body = `${thunderbirdBody}<!--${'x'.repeat(padding)}-->`
        expect(new TextEncoder().encode(body).length).toBe(64 * 1024)
        expect((await post(target, body)).response.status).toBe(200)
      })

      // §5.7: never required; a 401 would break Thunderbird.
      it('answers with or without Authorization', async () => {
        const withAuth = await post(target, thunderbirdBody, { headers: { Authorization: `Basic ${btoa('alice@example.com:pw')}` } })
        const withoutAuth = await post(target, thunderbirdBody)
        expect([withAuth.response.status, withoutAuth.response.status]).toEqual([200, 200])
        expect(withAuth.text).toBe(withoutAuth.text)
      })
    })

    describe('POST /autodiscover/autodiscover.xml (mobilesync)', () => {
      // §2.8: Culture, User/EMailAddress, Action/Settings/Server MobileSync with Url and Name.
      it.each(['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml'])('answers iOS’s request on %s with the ActiveSync URL', async (path) => {
        const { response, root } = await post(target, withAddress(mobilesyncBody, 'Alice@Example.NET'), { url: `https://${HOST}${path}`, headers: { 'Content-Type': 'text/xml' } })
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Type')).toBe('text/xml; charset=utf-8')
        expect(root.Response).toEqual({
          '@xmlns': 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
          Culture: 'en:us',
          User: { DisplayName: 'Alice@example.net', EMailAddress: 'Alice@example.net' },
          Action: { Settings: { Server: { Type: 'MobileSync', Url: EAS, Name: EAS } } },
        })
      })

      it('answers with ErrorCode 601 when the domain has no ActiveSync URL', async () => {
        await target.reset()
        await seed(target, sample)
        expect(expectError(await post(target, mobilesyncBody), 601).Message).toBe('ActiveSync is not offered for example.com')
      })
    })

    describe('GET /autodiscover/autodiscover.xml', () => {
      // §2.7 and MS-OXDISCO: over http, Outlook's redirect method expects a 302 to https.
      it.each([
        [`http://${HOST}/autodiscover/autodiscover.xml`, `https://${HOST}/autodiscover/autodiscover.xml`],
        [`http://${HOST}/AutoDiscover/AutoDiscover.xml`, `https://${HOST}/AutoDiscover/AutoDiscover.xml`],
        [`http://${HOST}:8080/autodiscover.xml`, `https://${HOST}/autodiscover.xml`],
      ])('redirects %s to %s', async (url, location) => {
        const response = await target.fetch(url)
        expect(response.status).toBe(302)
        expect(response.headers.get('Location')).toBe(location)
      })

      // A URL parser accepts such a host, and Node passes the Host header on as it came; the
      // redirect must not send Outlook to it.
      it.each(['a"b.example', 'x{y}.example', 'a$b,c.example'])('refuses the Host %s instead of redirecting to it', async (host) => {
        const response = await target.fetch(`http://${host}/autodiscover/autodiscover.xml`)
        expect(response.status).toBe(400)
        expect(response.headers.get('Location')).toBeNull()
        const text = await response.text()
        expect(text).toContain('Host header')
        expect(text).not.toContain(host)
      })

      // §2.7: over https, the 600 document; never settings on a GET.
      it('answers a GET over https with ErrorCode 600', async () => {
        const response = await target.fetch(POX_URL)
        const text = await response.text()
        expect(expectError({ response, text, root: parser.parse(text).Autodiscover }, 600).Message).toContain('POST')
        expect(text).not.toContain('Protocol')
      })
    })

    describe('directory failures', () => {
      it('answers 503 with Retry-After and the ErrorCode 603 document when the directory is down', async () => {
        await target.reset()
        await seed(target, {
          version: 2,
          provider: 'Dir Co',
          domains: [{ name: 'dir.example', ldapserver_id: 1 }],
          // Nothing listens on this port (test/support/node/slapd-global-setup.ts): connections are refused.
          ldapservers: [ldapSeedEntry({ port: ldapPorts().closedPort, search_base: 'dc=dir,dc=example' })],
          servers: [{ type: 'imap', name: 'imap.dir.example' }],
        })
        target.captureLog()
        const response = await target.fetch(POX_URL, { method: 'POST', body: withAddress(thunderbirdBody, 'a@dir.example') })
        const text = await response.text()
        expect(response.headers.get('Retry-After')).toBe('30')
        expect(expectError({ response, text, root: parser.parse(text).Autodiscover }, 603, 503).Message).toContain('directory is unavailable')
        expect(text).not.toContain('ECONNREFUSED')
      })
    })

    describe('logging', () => {
      // §2.2, §5.7: Basic auth carries the real password.
      it('never logs the Authorization header, the password or the body', async () => {
        const debug = await target.withSettings({ LOG_LEVEL: 'debug' })
        const lines = target.captureLog()
        const password = 'Corr3ct-H0rse-Battery'
        const credentials = btoa(`secret.user@example.com:${password}`)
        for (const body of [withAddress(thunderbirdBody, 'secret.user@example.com'), withAddress(thunderbirdBody, 'secret.user&x@example.com'), 'secret.user garbage']) {
          await debug.fetch(POX_URL, { method: 'POST', body, headers: { Authorization: `Basic ${credentials}`, 'Content-Type': 'text/xml' } })
        }
        expect(lines.length).toBe(3)
        expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'request', method: 'POST', path: '/autodiscover/autodiscover.xml', status: 200, domain: 'example.com' })
        const output = lines.join('\n')
        for (const secret of [password, credentials, 'Basic', 'secret.user', 'EMailAddress', 'Autodiscover>']) {
          expect(output).not.toContain(secret)
        }
      })
    })
  })
}
