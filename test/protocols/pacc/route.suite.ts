/**
 * PACC through the whole service, on every target (docs/clients.md §4.7): the document a client
 * fetches, the TXT digest /admin/dns prints for it (equal to the SHA-256 of the bytes served,
 * computed here independently), a change of data changing both, and the explained refusal.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { DRAFT_SEED } from '../../seed/export.suite'
import { adminHeaders, seed, type ProtocolTarget } from '../../support/target'
import { SERVED_FOR_DRAFT_SEED } from './served'

const PACC_URL = 'https://ua-auto-config.lakeview.example/.well-known/user-agent-configuration.json'

async function sha256Base64(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return btoa(String.fromCharCode(...digest))
}

export function describePacc(target: ProtocolTarget): void {
  describe(`PACC on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, DRAFT_SEED)).status).toBe(200)
    })

    const dnsRecords = async () => {
      const response = await target.fetch('https://mailconf.provider.example/admin/dns/lakeview.example?format=json', { headers: adminHeaders(target) })
      expect(response.status).toBe(200)
      return (await response.json()) as { records: { type: string; name: string; text?: string; target?: string }[]; pacc: { published: boolean; problems?: string[] } }
    }
    const txtOf = (listing: Awaited<ReturnType<typeof dnsRecords>>) => listing.records.find((r) => r.name === '_ua-auto-config.lakeview.example.')?.text

    it('serves the document as application/json, the prio-10 servers and the context paths', async () => {
      const response = await target.fetch(PACC_URL)
      expect(response.status).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('application/json')
      expect(response.headers.get('Cache-Control')).toBe('public, max-age=60')
      // The same bytes on every target: pinned (the schema test validates them too).
      expect(await response.text()).toBe(SERVED_FOR_DRAFT_SEED)
    })

    it('serves the same bytes on the mail domain itself, and for every request', async () => {
      const first = await (await target.fetch(PACC_URL)).text()
      expect(await (await target.fetch('https://lakeview.example/.well-known/user-agent-configuration.json')).text()).toBe(first)
      expect(await (await target.fetch(PACC_URL)).text()).toBe(first)
    })

    it('lists the CNAME and the TXT digest of the exact bytes served; a change of data changes both', async () => {
      const listing = await dnsRecords()
      expect(listing.pacc).toEqual({ published: true })
      expect(listing.records).toContainEqual({ type: 'CNAME', name: 'ua-auto-config.lakeview.example.', ttl: 3600, target: 'mailconf.provider.example.' })
      const served = await (await target.fetch(PACC_URL)).arrayBuffer()
      expect(txtOf(listing)).toBe(`v=UAAC1; a=sha256; d=${await sha256Base64(served)}`)

      const changed = await target.fetch('/admin/providers/1', {
        method: 'PUT',
        headers: { ...adminHeaders(target), 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Lakeview Post', short_name: 'Lakeview', documentation_url: 'https://help.lakeview.example/new-guide' }),
      })
      expect(changed.status).toBe(200)
      const servedAfter = await (await target.fetch(PACC_URL)).arrayBuffer()
      expect(await sha256Base64(servedAfter)).not.toBe(await sha256Base64(served))
      expect(txtOf(await dnsRecords())).toBe(`v=UAAC1; a=sha256; d=${await sha256Base64(servedAfter)}`)
    })

    it('refuses, explained, a domain whose submission server uses STARTTLS only; the DNS listing says why', async () => {
      await target.reset()
      const startTlsOnly = { ...DRAFT_SEED, servers: DRAFT_SEED.servers.filter((s) => s.type !== 'smtp' || s.port === 587) }
      expect((await seed(target, startTlsOnly)).status).toBe(200)
      const response = await target.fetch(PACC_URL)
      expect(response.status).toBe(404)
      const reason = 'its SMTP submission server (submit.lakeview.example port 587 STARTTLS) cannot be written in PACC, which implies port 465 with implicit TLS (SSL)'
      expect(await response.text()).toBe(`lakeview.example cannot be described in PACC: ${reason}\n`)

      const listing = await dnsRecords()
      expect(listing.pacc).toEqual({ published: false, problems: [reason] })
      expect(listing.records.some((r) => r.name.includes('ua-auto-config'))).toBe(false)
      const zone = await (await target.fetch('https://mailconf.provider.example/admin/dns/lakeview.example', { headers: adminHeaders(target) })).text()
      expect(zone.split('\n')[0]).toBe(`; PACC (ua-auto-config) not published: lakeview.example cannot be described in PACC: ${reason}`)
    })

    it('answers 404 for a domain nobody here serves, and 400 for a host that names no domain', async () => {
      const unknown = await target.fetch('https://ua-auto-config.unknown.example/.well-known/user-agent-configuration.json')
      expect(unknown.status).toBe(404)
      expect(await unknown.text()).toBe('no mail configuration for unknown.example')
      expect((await target.fetch('https://127.0.0.1/.well-known/user-agent-configuration.json')).status).toBe(400)
    })
  })
}
