/**
 * The landing page (GET /) through the whole service, on any storage driver
 * (test/support/target.ts): the branded page, its errors in words, the QR code read back and
 * followed to the profile it names.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { LANDING_STYLE } from '../../../src/protocols/landing/render'
import sample from '../../../seed/sample.json'
import { parsePlist, type PlistDict } from '../../../src/client-rules/plist'
import { issue, type Issued } from '../../support/test-certificates'
import { adminHeaders, seed, type ProtocolTarget } from '../../support/target'
import { decodePageQr } from './qr'

async function styleHash(): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(LANDING_STYLE))
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
}

const csp = async (images = '') => `default-src 'none'; style-src 'sha256-${await styleHash()}';${images} form-action 'self'; base-uri 'none'; frame-ancestors 'none'`

const BRAND = { logo_url: 'https://cdn.example.com/brand/logo.svg', support_url: 'https://help.example.com/mail', support_email: 'help@example.com' }
const BRANDED = { ...sample, ...BRAND }

const titleOf = (page: string) => /<title>(.*?)<\/title>/.exec(page)?.[1]
const h1Of = (page: string) => /<h1>(.*?)<\/h1>/.exec(page)?.[1]
const alertOf = (page: string) => /<p class="error" role="alert">(.*?)<\/p>/s.exec(page)?.[1]

/** The body as UTF-8 (Response.text() makes workerd warn about a non-text content type). */
async function bytesAsText(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer())
}

export function describeSite(target: ProtocolTarget): void {
  describe(`landing page on ${target.name}`, () => {
    const request = (url: string) => target.fetch(url)
    const pageFor = async (url: string) => (await request(url)).text()

    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, sample)).status).toBe(200)
    })
    afterEach(() => vi.restoreAllMocks())

    describe('GET /', () => {
      it('serves the form as HTML with a strict CSP that allows exactly the inline style', async () => {
        const response = await request('/')
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Type')).toBe('text/html; charset=UTF-8')
        expect(response.headers.get('Content-Security-Policy')).toBe(await csp())
        expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
        expect(response.headers.get('Referrer-Policy')).toBe('no-referrer')
        const body = await response.text()
        expect(body).toContain(`<style>${LANDING_STYLE}</style>`)
        expect(body).toContain('<form method="get" action="/">')
      })

      it('shows the settings for an address of a served domain, not cached', async () => {
        const response = await request('/?emailaddress=alice%40example.com&name=Alice+Doe')
        expect(response.status).toBe(200)
        expect(response.headers.get('Cache-Control')).toBe('no-store')
        const body = await response.text()
        expect(body).toContain('<code>imap.example.com</code>')
        expect(body).toContain('<td>993</td>')
        expect(body).toContain('<code>smtp.example.com</code>')
        expect(body).toContain('<input type="hidden" name="name" value="Alice Doe">')
      })

      // docs/clients.md §5.12: people copy what the page shows; it names their own calendar URL.
      it('shows DAV URLs expanded for the address', async () => {
        await target.reset()
        await seed(target, {
          provider: 'SOGo Mail',
          domains: ['sogo.example'],
          servers: [{ type: 'imap', name: 'imap.sogo.example' }, { type: 'smtp', name: 'smtp.sogo.example' }, { type: 'caldav', url: 'https://dav.sogo.example/SOGo/dav/%EMAILADDRESS%/' }],
        })
        const body = await pageFor('/?emailaddress=jane%40sogo.example')
        expect(body).toContain('<code>https://dav.sogo.example/SOGo/dav/jane@sogo.example/</code>')
        expect(body).not.toContain('%EMAIL')
      })

      it('shows the password field only with PERMIT_CLEARTEXT_PASSWORDS=I_understand_the_risks', async () => {
        const url = 'https://mail.example.com/?emailaddress=alice%40example.com'
        const off = await (await (await target.withSettings({ PERMIT_CLEARTEXT_PASSWORDS: 'yes' })).fetch(url)).text()
        const on = await (await (await target.withSettings({ PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' })).fetch(url)).text()
        expect(off).not.toContain('type="password"')
        expect(on).toContain('<input id="password" name="password" type="password"')
      })

      // Issue 14, finding 5: the profile route refuses a password over plain http to a public
      // host, so the page must not ask for one there (it would cross the network, then be refused).
      it.each([
        ['https', 'https://mail.example.com/?emailaddress=alice%40example.com', true],
        ['plain http to a public host', 'http://mail.example.com/?emailaddress=alice%40example.com', false],
        ['plain http to localhost', 'http://localhost:4243/?emailaddress=alice%40example.com', true],
      ])('with the opt-in, asks for a password only where the profile route takes one: %s', async (_case, url, shown) => {
        const page = await (await (await target.withSettings({ PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' })).fetch(url)).text()
        expect(page.includes('type="password"')).toBe(shown)
      })
    })

    describe('errors in words for people', () => {
      it.each([
        ['an unknown domain', '/?emailaddress=a%40unknown.example', 404, "We don&#39;t host mail for unknown.example — check the address."],
        // As typed, not as the A-label the lookup used.
        ['an unknown IDN domain', '/?emailaddress=a%40b%C3%BCcher.example', 404, "We don&#39;t host mail for bücher.example — check the address."],
        ['markup in the domain', '/?emailaddress=a%40%3Cb%3Ex.example', 400, 'The part after the @ isn&#39;t a valid domain name. Check the address and try again.'],
        ['no @ at all', '/?emailaddress=nobody', 400, 'That doesn&#39;t look like an email address. Check it and try again: it should look like name@example.com.'],
        ['a name over 100 characters', `/?emailaddress=a%40example.com&name=${'n'.repeat(101)}`, 400, 'Your name is too long or contains characters that cannot be used. Shorten it or leave it empty.'],
      ])('%s (%s): %i and one plain sentence', async (_case, path, status, sentence) => {
        const response = await request(path)
        expect(response.status).toBe(status)
        expect(response.headers.get('Cache-Control')).toBe('no-store')
        expect(alertOf(await response.text())).toBe(sentence)
      })

      it('names the provider and its help when a domain has no outgoing server', async () => {
        await target.reset()
        await seed(target, { provider: 'Half Mail', domains: ['half.example'], servers: [{ type: 'imap', name: 'imap.half.example' }], support_email: 'help@half.example' })
        const response = await request('/?emailaddress=a%40half.example')
        expect(response.status).toBe(404)
        const page = await response.text()
        expect(alertOf(page)).toBe('Half Mail hasn&#39;t finished setting up mail for half.example: there is no outgoing (SMTP) server yet. Please contact Half Mail.')
        expect(titleOf(page)).toBe('Set up your email with Half Mail')
        expect(page).toContain('<a href="mailto:help@half.example">help@half.example</a>')
      })
    })

    describe('the provider on the page', () => {
      it('names the provider in the title and heading, shows its logo and help, and allows only the logo origin', async () => {
        await target.reset()
        expect((await seed(target, BRANDED)).status).toBe(200)
        const response = await request('/?emailaddress=alice%40example.com')
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Security-Policy')).toBe(await csp(' img-src https://cdn.example.com;'))
        const page = await response.text()
        expect(titleOf(page)).toBe('Set up your email with Example Inc.')
        expect(h1Of(page)).toBe('Set up your email with Example Inc.')
        expect(page).toContain('<img class="logo" src="https://cdn.example.com/brand/logo.svg" alt="Example Inc.">')
        expect(page).toContain('<a href="mailto:help@example.com">help@example.com</a>')
        expect(page).toContain('<a href="https://help.example.com/mail">the Example Inc. help pages</a>')
        // The bare form names no provider (no address, no domain) and so loads nothing.
        expect((await request('/')).headers.get('Content-Security-Policy')).toBe(await csp())
      })

      it('follows changes made through the admin API at once', async () => {
        const before = await request('/?emailaddress=alice%40example.com')
        expect(before.headers.get('Content-Security-Policy')).toBe(await csp())
        expect(await before.text()).not.toContain('<img')
        const put = await target.fetch('/admin/providers/1', {
          method: 'PUT',
          headers: { ...adminHeaders(target), 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'Example Inc.', logo_url: 'https://static.example.net/l.png' }),
        })
        expect(put.status).toBe(200)
        const after = await request('/?emailaddress=alice%40example.com')
        expect(after.headers.get('Content-Security-Policy')).toBe(await csp(' img-src https://static.example.net;'))
        expect(await after.text()).toContain('<img class="logo" src="https://static.example.net/l.png" alt="Example Inc.">')
      })

      it('does not show a logo URL written into the database by hand that the API would refuse', async () => {
        await target.query("UPDATE provider SET logo_url = 'http://cdn.example.com/logo.png', support_url = 'javascript:alert(1)'")
        const response = await request('/?emailaddress=alice%40example.com')
        expect(response.headers.get('Content-Security-Policy')).toBe(await csp())
        const page = await response.text()
        expect(page).not.toContain('<img')
        expect(page).not.toContain('javascript:')
      })
    })

    describe('the QR code', () => {
      it('encodes the absolute profile link of the address shown, which serves that profile', async () => {
        const page = await pageFor('https://autoconfig.example.com/?emailaddress=jane%2Bnews%40Example.COM&name=Jane+Doe')
        const link = decodePageQr(page)
        expect(link).toBe('https://autoconfig.example.com/mobileconfig?emailaddress=jane%2Bnews%40example.com&name=Jane%20Doe')
        // The same address the download form posts.
        expect(page).toContain('<input type="hidden" name="emailaddress" value="jane+news@example.com">')
        const profile = await target.fetch(link ?? '')
        expect(profile.status).toBe(200)
        expect(profile.headers.get('Content-Type')).toBe('application/x-apple-aspen-config')
        const mail = ((parsePlist(await bytesAsText(profile)) as PlistDict).PayloadContent as PlistDict[])[0] as PlistDict
        expect(mail.EmailAddress).toBe('jane+news@example.com')
        expect(mail.EmailAccountName).toBe('Jane Doe')
        expect(mail).not.toHaveProperty('IncomingPassword')
      })

      it('uses the scheme and host the client used', async () => {
        expect(decodePageQr(await pageFor('http://localhost:4243/?emailaddress=alice%40example.com'))).toBe('http://localhost:4243/mobileconfig?emailaddress=alice%40example.com')
      })

      it('never carries a password, even one put into the page URL', async () => {
        const withPasswords = await target.withSettings({ PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' })
        const page = await (await withPasswords.fetch('https://autoconfig.example.com/?emailaddress=alice%40example.com&password=Sup3r-Secret')).text()
        const link = decodePageQr(page)
        expect(link).toBe('https://autoconfig.example.com/mobileconfig?emailaddress=alice%40example.com')
        expect(page).not.toContain('Sup3r-Secret')
      })

      it('is only on a page with settings', async () => {
        expect(decodePageQr(await pageFor('/'))).toBeNull()
        expect(decodePageQr(await pageFor('/?emailaddress=a%40unknown.example'))).toBeNull()
      })
    })

    describe('what iOS will say about the profile', () => {
      let signing: Issued
      beforeAll(async () => {
        signing = await issue('landing page signer', 'EC')
      })

      const words = (page: string) => page.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ')

      it('Unverified without a signing certificate', async () => {
        const page = words(await pageFor('/?emailaddress=alice%40example.com'))
        expect(page).toContain('iOS shows the profile as Unverified because it is not signed.')
      })

      it('Verified with one', async () => {
        const signed = await target.withSettings({ MOBILECONFIG_SIGNING_CERT: signing.certPem, MOBILECONFIG_SIGNING_KEY: signing.keyPem })
        const page = words(await (await signed.fetch('/?emailaddress=alice%40example.com')).text())
        expect(page).toContain('The profile is signed, so iOS shows it as Verified.')
        expect(page).not.toContain('Unverified')
      })

      it('no download at all when the signing secrets are broken (the profile route would answer 500)', async () => {
        const broken = await target.withSettings({ MOBILECONFIG_SIGNING_KEY: signing.keyPem })
        const response = await broken.fetch('/?emailaddress=alice%40example.com')
        expect(response.status).toBe(200)
        const page = await response.text()
        expect(words(page)).toContain("The profile for iPhone, iPad and Mac can't be downloaded at the moment.")
        expect(page).not.toContain('action="/mobileconfig"')
        expect(decodePageQr(page)).toBeNull()
      })
    })
  })
}
