/**
 * The admin API's ActiveSync URLs through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import sample from '../../../seed/sample.json'
import { adminClient } from '../../support/admin-client'
import { seed, type ProtocolTarget } from '../../support/target'

export function describeAdminActiveSync(target: ProtocolTarget): void {
  describe(`admin API: ActiveSync URLs on ${target.name}`, () => {
    const admin = adminClient(target)

    const EAS = 'https://eas.example.com/Microsoft-Server-ActiveSync'

    beforeEach(async () => {
      await target.reset()
      await seed(target, sample)
    })

    const v2ActiveSync = (address: string) => target.fetch(`/autodiscover/autodiscover.json?Email=${address}&Protocol=ActiveSync`)

    describe('/admin/domains/<domain>/activesync', () => {
      it('sets, reads, replaces and deletes the URL, and v2 Autodiscover follows at once', async () => {
        expect((await v2ActiveSync('a@example.net')).status).toBe(400)
        expect(await admin('PUT', '/admin/domains/example.net/activesync', { url: EAS })).toEqual({ status: 200, body: { domain: 'example.net', url: EAS } })
        expect(await admin('GET', '/admin/domains/example.net/activesync')).toEqual({ status: 200, body: { domain: 'example.net', url: EAS } })
        expect(await (await v2ActiveSync('a@example.net')).json()).toEqual({ Protocol: 'ActiveSync', Url: EAS })

        const replaced = `${EAS}/v2`
        expect((await admin('PUT', '/admin/domains/example.net/activesync', { url: replaced })).status).toBe(200)
        expect(await (await v2ActiveSync('a@example.net')).json()).toEqual({ Protocol: 'ActiveSync', Url: replaced })

        expect((await admin('DELETE', '/admin/domains/example.net/activesync')).status).toBe(200)
        expect((await admin('GET', '/admin/domains/example.net/activesync')).status).toBe(404)
        expect((await v2ActiveSync('a@example.net')).status).toBe(400)
      })

      it.each([
        ['http URL', { url: 'http://eas.example.com/' }, 'url', 'https URL'],
        ['missing url', {}, 'url', ''],
        ['unknown key', { url: EAS, name: 'x' }, '', 'unknown key'],
      ])('refuses a body with %s (400 naming the field)', async (_case, body, path, message) => {
        const response = await admin('PUT', '/admin/domains/example.net/activesync', body)
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }))
      })

      it('answers 404 for an unknown domain and for a domain without a URL', async () => {
        expect((await admin('PUT', '/admin/domains/nowhere.example/activesync', { url: EAS })).status).toBe(404)
        expect((await admin('DELETE', '/admin/domains/example.org/activesync')).status).toBe(404)
      })

      it('requires the admin token', async () => {
        expect((await target.fetch('/admin/domains/example.net/activesync', { method: 'PUT', body: JSON.stringify({ url: EAS }) })).status).toBe(401)
      })

      it('is removed with its domain', async () => {
        await admin('PUT', '/admin/domains/example.net/activesync', { url: EAS })
        expect((await admin('DELETE', '/admin/domains/example.net')).status).toBe(200)
        const exported = await admin('GET', '/admin/export')
        expect(JSON.stringify(exported.body)).not.toContain('eas.example.com')
      })
    })
  })
}
