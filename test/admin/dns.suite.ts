/**
 * The admin API's DNS records through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { adminHeaders, seed, type ProtocolTarget } from '../support/target'

export function describeAdminDns(target: ProtocolTarget): void {
  describe(`admin API: DNS records on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      await seed(target, sample)
    })

    describe('GET /admin/dns/<domain>', () => {
      it('answers the zone-file records for a domain, pointing at the request host', async () => {
        const response = await target.fetch('https://mailconf.provider.example/admin/dns/example.net', { headers: adminHeaders(target) })
        expect(response.status).toBe(200)
        expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/)
        const zone = await response.text()
        expect(zone).toContain('_imaps._tcp.example.net. 3600 IN SRV 0 1 993 imap.example.com.\n')
        expect(zone).toContain('_pop3s._tcp.example.net. 3600 IN SRV 10 1 995 pop.example.com.\n')
        expect(zone).toContain('_imap._tcp.example.net. 3600 IN SRV 0 0 0 .\n')
        expect(zone).toContain('_submissions._tcp.example.net. 3600 IN SRV 0 1 465 smtp.example.com.\n')
        expect(zone).toContain('_submission._tcp.example.net. 3600 IN SRV 10 1 587 smtp.example.com.\n')
        expect(zone).toContain('autoconfig.example.net. 3600 IN CNAME mailconf.provider.example.\n')
        expect(zone).toContain('_caldavs._tcp.example.net. 3600 IN TXT "path=/caldav/"\n')
      })

      it('answers JSON with ?format=json and honours SERVICE_HOSTNAME', async () => {
        const named = await target.withSettings({ SERVICE_HOSTNAME: 'autoconfig.provider.example' })
        const response = await named.fetch('https://127.0.0.1:8787/admin/dns/EXAMPLE.org?format=json', { headers: adminHeaders(target) })
        expect(response.status).toBe(200)
        const body = (await response.json()) as { domain: string; records: { type: string; name: string; target?: string }[] }
        expect(body.domain).toBe('example.org')
        expect(body.records).toContainEqual(expect.objectContaining({ type: 'CNAME', name: 'autodiscover.example.org.', target: 'autoconfig.provider.example.' }))
      })

      it.each([
        ['/admin/dns/unknown.example', 404, 'no mail configuration for unknown.example'],
        ['/admin/dns/not_a_domain', 400, 'not a valid domain name'],
        ['/admin/dns/example.net?format=xml', 400, "format must be 'zone' or 'json'"],
      ])('%s → %i', async (path, status, message) => {
        const response = await target.fetch(path, { headers: adminHeaders(target) })
        expect(response.status).toBe(status)
        expect(await response.json()).toEqual({ error: message })
      })

      // Issue 14, finding 11: after `npm start` the records pointed at 127.0.0.1, without a word.
      it.each([
        ['an IPv4 address', 'http://127.0.0.1:8787/admin/dns/example.net'],
        ['localhost', 'http://localhost:8787/admin/dns/example.net'],
        ['an IPv6 address', 'http://[::1]:8787/admin/dns/example.net'],
      ])('refuses to point the records at %s, naming SERVICE_HOSTNAME', async (_case, url) => {
        const response = await target.fetch(url, { headers: adminHeaders(target) })
        expect(response.status).toBe(409)
        expect(((await response.json()) as { error: string }).error).toContain('set SERVICE_HOSTNAME')
      })

      it('takes the service host from ?service_host, and refuses one that is no public host name', async () => {
        const named = await target.fetch('http://127.0.0.1:8787/admin/dns/example.net?service_host=mailconf.provider.example', { headers: adminHeaders(target) })
        expect(await named.text()).toContain('autoconfig.example.net. 3600 IN CNAME mailconf.provider.example.\n')
        const bad = await target.fetch('https://mailconf.provider.example/admin/dns/example.net?service_host=10.0.0.1', { headers: adminHeaders(target) })
        expect(bad.status).toBe(400)
      })

      it('requires the admin token', async () => {
        expect((await target.fetch('/admin/dns/example.net')).status).toBe(401)
      })
    })
  })
}
