/**
 * Apple configuration profiles (docs/clients.md §3.1–§3.6) through the whole service, on any storage driver
 * (test/support/target.ts): unsigned, with the password opt-in, and signed.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import sample from '../../../seed/sample.json'
import { validateMobileconfig } from '../../../src/client-rules/mobileconfig'
import { parsePlist, type PlistDict } from '../../../src/client-rules/plist'
import { issue, verifyCms, type Issued } from '../../support/test-certificates'
import { seed, type ProtocolTarget, type Settings } from '../../support/target'

const PATHS = ['/mobileconfig', '/mobileconfig/', '/email.mobileconfig']
const SECRET = 'Sup3r-Secret-Pa55'
const OPT_IN = { PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' }

/** The body as UTF-8 (Response.text() makes workerd warn about a non-text content type). */
async function text(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer())
}

// Password tests log everything, so a password anywhere in any line would be caught.
const DEBUG = { LOG_LEVEL: 'debug' }

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})

function mailPayload(document: string): PlistDict {
  const profile = parsePlist(document) as PlistDict
  return (profile.PayloadContent as PlistDict[])[0] as PlistDict
}

export function describeMobileconfig(target: ProtocolTarget): void {
  describe(`Apple profiles on ${target.name}`, () => {
    /** With other settings (secrets, the password switch, LOG_LEVEL), as an operator sets them. */
    async function fetchWith(extra: Settings, url: string, init?: RequestInit) {
      return (await target.withSettings(extra)).fetch(url, init)
    }
    const request = (url: string, init?: RequestInit) => target.fetch(url, init)

    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, sample)).status).toBe(200)
    })
    afterEach(() => vi.restoreAllMocks())

    describe('GET /mobileconfig', () => {
      it.each(PATHS)('serves %s as an attachment, never cached (§3.1)', async (path) => {
        const response = await request(`${path}?emailaddress=alice%40example.com`)
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Type')).toBe('application/x-apple-aspen-config')
        expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="example.com.mobileconfig"')
        expect(response.headers.get('Cache-Control')).toBe('no-store')
        const body = await text(response)
        expect(validateMobileconfig(body)).toEqual([])
        // §3.3: the sample's preferred pair (IMAP 993 over POP; SMTP 465 at prio 10) and §3.4 DAV payloads.
        const profile = parsePlist(body) as PlistDict
        const payloads = profile.PayloadContent as PlistDict[]
        expect(payloads.map((p) => p.PayloadType)).toEqual(['com.apple.mail.managed', 'com.apple.caldav.account', 'com.apple.carddav.account'])
        expect(payloads[0]).toMatchObject({
          EmailAddress: 'alice@example.com',
          IncomingMailServerHostName: 'imap.example.com',
          IncomingMailServerPortNumber: 993,
          OutgoingMailServerPortNumber: 465,
          IncomingMailServerUsername: 'alice@example.com',
        })
        expect(payloads[1]).toMatchObject({ CalDAVHostName: 'dav.example.com', CalDAVPort: 443, CalDAVPrincipalURL: 'https://dav.example.com/caldav/' })
      })

      // §3.5, §3.5: downloading again gives the same identifiers, so the profile is replaced.
      it('gives the same bytes on every download, and other ids to another address', async () => {
        const first = await text(await request('/mobileconfig?emailaddress=alice%40example.com'))
        const again = await text(await request('/mobileconfig?emailaddress=ALICE%40Example.COM'))
        const other = await text(await request('/mobileconfig?emailaddress=bob%40example.com'))
        const ids = (doc: string) => JSON.stringify(doc.match(/[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[0-9A-F]{4}-[0-9A-F]{12}/g))
        expect(again.replace(/ALICE@example.com/g, 'alice@example.com')).toBe(first)
        expect(ids(other)).not.toBe(ids(first))
      })

      // §1.2 raw query: FairEmail-style unencoded `+` stays a `+` in the address; the name is form
      // encoded like automx2's (and an HTML GET form's), where `+` is a space.
      it.each(['Jane%20Doe', 'Jane+Doe'])('keeps a raw + in the address and puts the name %s into EmailAccountName', async (name) => {
        const body = await text(await request(`/mobileconfig?emailaddress=user+tag@example.net&name=${name}`))
        expect(mailPayload(body)).toMatchObject({ EmailAddress: 'user+tag@example.net', EmailAccountName: 'Jane Doe', IncomingMailServerUsername: 'user+tag@example.net' })
      })

      it.each([
        ['no address', '/mobileconfig', 400, 'emailaddress: no email address given'],
        ['a malformed address', '/mobileconfig?emailaddress=not-an-address', 400, 'emailaddress: the email address is malformed'],
        ['broken percent-encoding', '/mobileconfig?emailaddress=a%E0%40example.com', 400, 'not valid percent-encoded UTF-8'],
        ['a control character in the name', '/mobileconfig?emailaddress=a%40example.com&name=a%07b', 400, 'name must not contain control characters'],
        ['an unknown domain', '/mobileconfig?emailaddress=a%40unknown.example', 404, 'no mail configuration for unknown.example'],
      ])('answers %s (%s) with %i and a reason', async (_case, path, status, message) => {
        const response = await request(path)
        expect(response.status).toBe(status)
        expect(await text(response)).toContain(message)
        expect(response.headers.get('Cache-Control')).toBe('no-store')
      })

      it('answers 404 naming the gap when the domain has no outgoing server', async () => {
        await target.reset()
        await seed(target, { provider: 'Half', domains: ['half.example'], servers: [{ type: 'imap', name: 'imap.half.example' }] })
        const response = await request('/mobileconfig?emailaddress=a%40half.example')
        expect(response.status).toBe(404)
        expect(await text(response)).toBe('half.example has no outgoing mail server configured')
      })

      // docs/clients.md §3.4: iOS and macOS use CalDAVPrincipalURL/CardDAVPrincipalURL literally,
      // so a stored URL with placeholders (automx2's own SOGo sample) is expanded for the user.
      it('expands placeholders in DAV URLs', async () => {
        await target.reset()
        await seed(target, {
          provider: 'SOGo Mail',
          domains: ['sogo.example'],
          servers: [
            { type: 'imap', name: 'imap.sogo.example' },
            { type: 'smtp', name: 'smtp.sogo.example' },
            { type: 'caldav', url: 'https://dav.sogo.example/SOGo/dav/%EMAILADDRESS%/Calendar/personal/' },
            { type: 'carddav', url: 'https://dav.sogo.example/SOGo/dav/%EMAILLOCALPART%/Contacts/personal/' },
          ],
        })
        const document = await text(await request('/mobileconfig?emailaddress=Jane.Doe%40sogo.example'))
        expect(validateMobileconfig(document)).toEqual([])
        const [, caldav, carddav] = (parsePlist(document) as PlistDict).PayloadContent as PlistDict[]
        expect(caldav?.CalDAVPrincipalURL).toBe('https://dav.sogo.example/SOGo/dav/Jane.Doe@sogo.example/Calendar/personal/')
        expect(carddav?.CardDAVPrincipalURL).toBe('https://dav.sogo.example/SOGo/dav/Jane.Doe/Contacts/personal/')
        expect(document).not.toContain('%EMAIL')
      })

      it('names the file after the A-label domain', async () => {
        await target.reset()
        await seed(target, { provider: 'Bücher', domains: ['bücher.example'], servers: [{ type: 'imap', name: 'imap.bücher.example' }, { type: 'smtp', name: 'smtp.bücher.example' }] })
        const response = await request('/mobileconfig?emailaddress=ich%40B%C3%BCcher.example')
        expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="xn--bcher-kva.example.mobileconfig"')
      })
    })

    describe('POST /mobileconfig (the landing page form)', () => {
      it.each(PATHS)('serves the same profile from a form on %s', async (path) => {
        const posted = await request(path, form({ emailaddress: 'user+tag@example.com', name: 'Jane Doe' }))
        expect(posted.status).toBe(200)
        expect(posted.headers.get('Content-Type')).toBe('application/x-apple-aspen-config')
        const viaGet = await text(await request('/mobileconfig?emailaddress=user%2Btag%40example.com&name=Jane%20Doe'))
        expect(await text(posted)).toBe(viaGet)
      })

      it('refuses another body type with 415 and a large body with 413', async () => {
        const json = await request('/mobileconfig', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"emailaddress":"a@example.com"}' })
        expect(json.status).toBe(415)
        expect(await text(json)).toBe('send the fields as application/x-www-form-urlencoded')
        const big = await request('/mobileconfig', form({ emailaddress: 'a@example.com', name: 'x'.repeat(20_000) }))
        expect(big.status).toBe(413)
      })
    })

    describe('passwords (opt-in)', () => {
      it('ignores a password when not enabled, and logs a warning without it', async () => {
        const lines = target.captureLog()
        const response = await fetchWith(DEBUG, `https://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com&password=${SECRET}`)
        expect(response.status).toBe(200)
        const body = await text(response)
        expect(body).not.toContain(SECRET)
        expect(mailPayload(body)).not.toHaveProperty('IncomingPassword')
        const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'warn')
        expect(warning).toMatchObject({ msg: 'password ignored: PERMIT_CLEARTEXT_PASSWORDS is not enabled', domain: 'example.com' })
        expect(lines.join('\n')).not.toContain(SECRET)
      })

      it.each([
        ['a GET over https', `https://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com&password=${SECRET}`, undefined],
        ['a POST over https', 'https://autoconfig.example.com/mobileconfig', form({ emailaddress: 'a@example.com', password: SECRET })],
        ['plain http to 127.0.0.1', `http://127.0.0.1:8787/mobileconfig?emailaddress=a%40example.com&password=${SECRET}`, undefined],
        ['plain http to localhost', 'http://localhost:8787/mobileconfig', form({ emailaddress: 'a@example.com', password: SECRET })],
      ])('puts the password into the profile when enabled: %s', async (_case, url, init) => {
        const lines = target.captureLog()
        const response = await fetchWith({ ...OPT_IN, ...DEBUG }, url, init)
        expect(response.status).toBe(200)
        expect(response.headers.get('Cache-Control')).toBe('no-store')
        expect(mailPayload(await text(response))).toMatchObject({ IncomingPassword: SECRET, OutgoingPassword: SECRET })
        expect(lines.length).toBeGreaterThan(0)
        expect(lines.join('\n')).not.toContain(SECRET)
      })

      it('refuses a password over plain http to a public host with 400, without echoing it', async () => {
        const lines = target.captureLog()
        for (const init of [undefined, form({ emailaddress: 'a@example.com', password: SECRET })]) {
          const url = init ? 'http://autoconfig.example.com/mobileconfig' : `http://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com&password=${SECRET}`
          const response = await fetchWith({ ...OPT_IN, ...DEBUG }, url, init)
          expect(response.status).toBe(400)
          const body = await text(response)
          expect(body).toBe('a password is only accepted over https; leave it empty or use https')
          expect(body).not.toContain(SECRET)
        }
        expect(lines.join('\n')).not.toContain(SECRET)
      })

      it('serves a profile without a password over plain http as before', async () => {
        const response = await fetchWith(OPT_IN, 'http://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com')
        expect(response.status).toBe(200)
      })

      it('never echoes a refused password in the error', async () => {
        const response = await fetchWith(OPT_IN, 'https://autoconfig.example.com/mobileconfig', form({ emailaddress: 'a@example.com', password: `${SECRET}\u0001` }))
        expect(response.status).toBe(400)
        expect(await text(response)).toBe('password must not contain control characters')
      })
    })

    describe('signed profiles (§3.6)', () => {
      let root: Issued
      let rsa: Issued
      let ec: Issued
      beforeAll(async () => {
        root = await issue('mailconf test root', 'EC')
        ;[rsa, ec] = await Promise.all([issue('profiles rsa', 'RSA', root), issue('profiles ec', 'EC', root)])
      })

      it.each([
        ['RSA', () => rsa],
        ['ECDSA P-256', () => ec],
      ])('answers DER CMS SignedData (%s) holding exactly the unsigned profile', async (_case, leaf) => {
        const unsigned = await text(await fetchWith({}, 'https://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com'))
        const response = await fetchWith(
          { MOBILECONFIG_SIGNING_CERT: leaf().certPem, MOBILECONFIG_SIGNING_KEY: leaf().keyPem, MOBILECONFIG_SIGNING_CHAIN: root.certPem },
          'https://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com',
        )
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Type')).toBe('application/x-apple-aspen-config')
        const der = new Uint8Array(await response.arrayBuffer())
        expect(der[0]).toBe(0x30) // a DER SEQUENCE, not base64 (§3.1)
        const cms = await verifyCms(der, root.certificate)
        expect(cms.verified).toBe(true)
        expect(new TextDecoder().decode(cms.content)).toBe(unsigned)
        expect(cms.certificates).toBe(2)
        expect(cms.signedAttributes.sort()).toEqual(['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.5'])
      })

      it.each([
        ['a key of another certificate', () => ({ MOBILECONFIG_SIGNING_CERT: rsa.certPem, MOBILECONFIG_SIGNING_KEY: root.keyPem }), /is not a RSA private key/],
        ['a key that does not match its certificate', () => ({ MOBILECONFIG_SIGNING_CERT: ec.certPem, MOBILECONFIG_SIGNING_KEY: root.keyPem }), /does not match MOBILECONFIG_SIGNING_CERT/],
        ['a truncated certificate', () => ({ MOBILECONFIG_SIGNING_CERT: ec.certPem.slice(0, 200), MOBILECONFIG_SIGNING_KEY: ec.keyPem }), /no PEM block/],
        ['a key without a certificate', () => ({ MOBILECONFIG_SIGNING_KEY: ec.keyPem }), /MOBILECONFIG_SIGNING_CERT is not/],
      ])('answers 500 and logs why, never unsigned, for %s', async (_case, secrets, reason) => {
        const lines = target.captureLog()
        const response = await fetchWith(secrets(), 'https://autoconfig.example.com/mobileconfig?emailaddress=a%40example.com')
        expect(response.status).toBe(500)
        const body = await text(response)
        expect(body).toBe('the profile cannot be signed: the signing certificate is misconfigured (see the server log)')
        const error = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error')
        expect(error).toMatchObject({ msg: 'mobileconfig signing is misconfigured' })
        expect(String(error?.reason)).toMatch(reason)
        expect(lines.join('\n')).not.toContain('PRIVATE KEY')
      })
    })
  })
}
