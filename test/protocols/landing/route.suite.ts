/**
 * The landing page (GET /) through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { LANDING_STYLE } from '../../../src/protocols/landing/render'
import sample from '../../../seed/sample.json'
import { seed, type ProtocolTarget } from '../../support/target'

async function styleHash(): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(LANDING_STYLE))
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
}

export function describeSite(target: ProtocolTarget): void {
  describe(`landing page on ${target.name}`, () => {
    const request = (url: string) => target.fetch(url)

    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, sample)).status).toBe(200)
    })

    describe('GET /', () => {
      it('serves the form as HTML with a strict CSP that allows exactly the inline style', async () => {
        const response = await request('/')
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Type')).toBe('text/html; charset=UTF-8')
        expect(response.headers.get('Content-Security-Policy')).toBe(
          `default-src 'none'; style-src 'sha256-${await styleHash()}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
        )
        expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
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
        const body = await (await request('/?emailaddress=jane%40sogo.example')).text()
        expect(body).toContain('<code>https://dav.sogo.example/SOGo/dav/jane@sogo.example/</code>')
        expect(body).not.toContain('%EMAIL')
      })

      it.each([
        ['a malformed address', '/?emailaddress=nobody', 400, 'the email address is malformed'],
        ['an unknown domain', '/?emailaddress=a%40unknown.example', 404, 'There are no settings for unknown.example here.'],
      ])('answers %s (%s) with %i and the message on the page', async (_case, path, status, message) => {
        const response = await request(path)
        expect(response.status).toBe(status)
        expect(await response.text()).toContain(message)
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
  })
}
