/**
 * The admin API's DNS records per service through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient } from '../support/admin-client'
import { adminHeaders, type ProtocolTarget } from '../support/target'

export function describeAdminDnsServices(target: ProtocolTarget): void {
  describe(`admin API: DNS records per service on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(async () => {
      await target.reset()
      await admin('POST', '/admin/providers', { name: 'Acme' })
      await admin('POST', '/admin/domains', { name: 'acme.example', provider_id: 1 })
    })

    const LABELS = ['_imaps', '_imap', '_pop3s', '_pop3', '_submissions', '_submission'] as const

    const srvLines = async () => {
      const zone = await (await target.fetch('/admin/dns/acme.example', { headers: adminHeaders(target) })).text()
      return Object.fromEntries(LABELS.map((label) => [label, zone.split('\n').filter((l) => l.startsWith(`${label}._tcp.`)).map((l) => l.split(' IN SRV ')[1])]))
    }

    // docs/clients.md §4.2: each service the domain offers gets its SRV record, every other one a "." target.
    describe('GET /admin/dns/<domain> as servers are linked through the admin API', () => {
      it.each([
        ['_imaps', { type: 'imap', name: 'mail.acme.example', port: 993 }, '0 1 993 mail.acme.example.'],
        ['_imap', { type: 'imap', name: 'mail.acme.example', port: 143 }, '0 1 143 mail.acme.example.'],
        ['_pop3s', { type: 'pop', name: 'mail.acme.example', port: 995 }, '0 1 995 mail.acme.example.'],
        ['_pop3', { type: 'pop', name: 'mail.acme.example', port: 110 }, '0 1 110 mail.acme.example.'],
        ['_submissions', { type: 'smtp', name: 'mail.acme.example', port: 465 }, '0 1 465 mail.acme.example.'],
        ['_submission', { type: 'smtp', name: 'mail.acme.example', port: 587 }, '0 1 587 mail.acme.example.'],
      ])('with only %s offered, the other five labels say "."', async (label, server, record) => {
        expect(Object.values(await srvLines()).flat()).toEqual(Array(6).fill('0 0 0 .'))
        const created = await admin('POST', '/admin/servers', server)
        await admin('PUT', `/admin/servers/${created.body.id}/domains/acme.example`)
        const lines = await srvLines()
        for (const other of LABELS) expect(lines[other], other).toEqual([other === label ? record : '0 0 0 .'])
      })
    })
  })
}
