/**
 * Mozilla Autoconfig through the whole service, on any storage driver (test/support/target.ts).
 */
import { XMLParser } from 'fast-xml-parser'
import { beforeEach, describe, expect, it } from 'vitest'
import sample from '../../../seed/sample.json'
import { chosenServers, CLIENT_READINGS, type Reading } from '../../support/autoconfig-readers'
import { validateAutoconfig } from '../../../src/client-rules/autoconfig'
import { seed, type ProtocolTarget } from '../../support/target'

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => ['domain', 'incomingServer', 'outgoingServer'].includes(n) })

const PATHS = ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml']

export function describeAutoconfig(target: ProtocolTarget): void {
  describe(`Autoconfig on ${target.name}`, () => {
    async function getConfig(pathAndQuery: string, host = 'autoconfig.example.com') {
      const response = await target.fetch(`https://${host}${pathAndQuery}`)
      const body = await response.text()
      return { response, body }
    }

    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, sample)).status).toBe(200)
    })

    describe('GET /mail/config-v1.1.xml', () => {
      it.each(PATHS)('answers %s with the sample provider, valid for every client', async (path) => {
        const { response, body } = await getConfig(`${path}?emailaddress=alice%40example.com`)
        expect(response.status).toBe(200)
        // §1.3: Thunderbird parses only text/xml, application/xml or text/rdf bodies.
        expect(response.headers.get('Content-Type')).toBe('text/xml; charset=utf-8')
        expect(validateAutoconfig(body)).toEqual([])
        const provider = parser.parse(body).clientConfig.emailProvider
        expect(provider['@id']).toBe('example.com')
        expect(provider.domain).toEqual(['example.com', 'example.net', 'example.org'])
        expect(provider.incomingServer.map((s: { '@type': string }) => s['@type'])).toEqual(['imap', 'pop3'])
        // The preferred SMTP server is repeated last for last-wins clients (docs/clients.md §1.7).
        expect(provider.outgoingServer.map((s: { port: string }) => s.port)).toEqual(['465', '587', '465'])
      })

      it.each([
        // §1.2: Thunderbird / K-9 / Evolution encode @ and +; FairEmail sends them raw.
        ['encoded', '?emailaddress=user%2Btag%40Example.NET'],
        ['raw with a literal +', '?emailaddress=user+tag@example.net'],
        // §5.1: the domain matches case-insensitively.
        ['upper-case domain', '?emailaddress=Alice@EXAMPLE.ORG'],
        // Evolution adds emailmd5 (§1.1).
        ['with emailmd5', '?emailaddress=a%40example.com&emailmd5=0cc175b9c0f1b6a831c399e269772661'],
      ])('finds the domain for an address sent %s', async (_case, query) => {
        const { response, body } = await getConfig(`/mail/config-v1.1.xml${query}`)
        expect(response.status).toBe(200)
        expect(validateAutoconfig(body)).toEqual([])
      })

      // §1.4: clients expand them; the service does not echo the address.
      it('keeps placeholders and never echoes the address', async () => {
        const { body } = await getConfig('/mail/config-v1.1.xml?emailaddress=secret.person%40example.com')
        expect(body).toContain('<username>%EMAILADDRESS%</username>')
        expect(body).not.toContain('secret.person')
      })

      // §5.1: a U-label domain finds its A-label row.
      it('finds a Unicode domain by its A-label', async () => {
        await target.reset()
        await seed(target, { version: 2, provider: 'Bücher', domains: ['bücher.example'], servers: [{ type: 'imap', name: 'imap.bücher.example' }, { type: 'smtp', name: 'smtp.bücher.example' }] })
        const { response, body } = await getConfig('/mail/config-v1.1.xml?emailaddress=ich%40B%C3%BCcher.example')
        expect(response.status).toBe(200)
        expect(parser.parse(body).clientConfig.emailProvider['@id']).toBe('xn--bcher-kva.example')
        expect(body).toContain('<hostname>imap.xn--bcher-kva.example</hostname>')
        expect(validateAutoconfig(body)).toEqual([])
      })

      // §5.3: the domain comes from the Host header, placeholders stay.
      it.each([
        ['autoconfig.example.net', '/mail/config-v1.1.xml'],
        ['example.org', '/.well-known/autoconfig/mail/config-v1.1.xml'],
        ['autoconfig.example.net', '/mail/config-v1.1.xml?emailaddress='],
      ])('answers a request without an address from the host %s', async (host, path) => {
        const { response, body } = await getConfig(path, host)
        expect(response.status).toBe(200)
        expect(validateAutoconfig(body)).toEqual([])
      })

      // §5.6: a placeholder-only document may be cached publicly; max-age is the domain
      // cache TTL (CONFIG_CACHE_TTL_SECONDS, default 60), see src/protocols/autoconfig/route.ts.
      it.each([
        ['with an address', 'autoconfig.example.com', '/mail/config-v1.1.xml?emailaddress=alice%40example.com'],
        ['without an address', 'autoconfig.example.net', '/mail/config-v1.1.xml'],
      ])('lets shared caches keep a placeholder-only document for a minute (%s)', async (_case, host, path) => {
        const { response } = await getConfig(path, host)
        expect(response.status).toBe(200)
        expect(response.headers.get('Cache-Control')).toBe('public, max-age=60')
      })

      it('answers 400 without an address and without a domain in the host', async () => {
        const { response, body } = await getConfig('/mail/config-v1.1.xml', '127.0.0.1:8787')
        expect(response.status).toBe(400)
        expect(body).toContain('emailaddress is missing')
      })

      it.each([
        ['no @', 'alice', 'malformed'],
        ['an invalid domain', 'alice%40exa%20mple.com', 'invalid domain'],
        ['bad percent-encoding', 'alice%E0%A4%A', 'percent-encoded'],
      ])('answers 400 for an address with %s', async (_case, value, message) => {
        const { response, body } = await getConfig(`/mail/config-v1.1.xml?emailaddress=${value}`)
        expect(response.status).toBe(400)
        expect(body).toContain(message)
      })

      it('answers 404 with a short text for an unknown domain', async () => {
        const { response, body } = await getConfig('/mail/config-v1.1.xml?emailaddress=a%40unknown.example')
        expect(response.status).toBe(404)
        expect(body).toBe('no mail configuration for unknown.example')
      })

      // Errors are plain text that name the problem and at most the (normalised) domain: markup sent
      // in the address never comes back, whichever part of it carries the markup.
      it.each([
        ['the domain', 'a%40%3Cscript%3E.com', 400, 'emailaddress: the email address has an invalid domain'],
        ['both parts', '%3Cb%3E%40%3Cscript%3E.com', 400, 'emailaddress: the email address is malformed: expected local-part@domain'],
        ['the local part of a valid address', '%22%26x%27%40unknown.example', 404, 'no mail configuration for unknown.example'],
      ])('answers markup in %s without echoing it', async (_part, value, status, message) => {
        const { response, body } = await getConfig(`/mail/config-v1.1.xml?emailaddress=${value}`)
        expect(response.status).toBe(status)
        expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/)
        expect(body).toBe(message)
      })
    })

    // The requests real clients were seen sending (docs/clients.md §1.1), against the provider of
    // issue 13: two servers per type at different priorities. Each client ends on the prio-10 server
    // of each type, whether it keeps the first entry or the last (§1.7).
    describe('as real clients ask', () => {
      const PRIO = {
        version: 2,
        provider: 'Prio Mail',
        domains: ['prio.example'],
        servers: [
          { type: 'imap', name: 'imap.prio.example', port: 993, socket_type: 'SSL', prio: 10 },
          { type: 'imap', name: 'imap-legacy.prio.example', port: 143, socket_type: 'STARTTLS', prio: 20 },
          { type: 'smtp', name: 'smtp.prio.example', port: 465, socket_type: 'SSL', prio: 10 },
          { type: 'smtp', name: 'submit.prio.example', port: 587, socket_type: 'STARTTLS', prio: 20 },
        ],
      }
      const PREFERRED = { imap: 'imap.prio.example:993 SSL', smtp: 'smtp.prio.example:465 SSL' }
      const reads = (client: string): Reading => CLIENT_READINGS[client] ?? 'first'

      beforeEach(async () => {
        await target.reset()
        expect((await seed(target, PRIO)).status).toBe(200)
      })

      it.each([
        // Evolution: a fixed local part and the MD5 of the address it sends (§1.1).
        ['Evolution', 'autoconfig.prio.example', '/mail/config-v1.1.xml?emailaddress=EVOLUTIONUSER%40prio.example&emailmd5=4df76e424eaeaae706223065e7cfdabb'],
        ['Evolution', 'prio.example', '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=EVOLUTIONUSER%40prio.example&emailmd5=4df76e424eaeaae706223065e7cfdabb'],
        // FairEmail: the address unencoded (§1.2).
        ['FairEmail', 'autoconfig.prio.example', '/mail/config-v1.1.xml?emailaddress=first-last@prio.example'],
        ['Thunderbird', 'autoconfig.prio.example', '/mail/config-v1.1.xml?emailaddress=first.last%40prio.example'],
        ['Thunderbird for Android / K-9', 'autoconfig.prio.example', '/mail/config-v1.1.xml?emailaddress=first.last%40prio.example'],
        // Delta Chat: `-` as %2D; .well-known without any query (§1.1, §1.2).
        ['Delta Chat', 'autoconfig.prio.example', '/mail/config-v1.1.xml?emailaddress=first%2Dlast%40prio.example'],
        ['Delta Chat', 'prio.example', '/.well-known/autoconfig/mail/config-v1.1.xml'],
        // KDE: no emailaddress; the domain comes from the host (§1.1).
        ['KDE', 'autoconfig.prio.example', '/mail/config-v1.1.xml'],
      ])('%s on https://%s%s ends on the preferred servers', async (client, host, path) => {
        const { response, body } = await getConfig(path, host)
        expect(response.status).toBe(200)
        expect(validateAutoconfig(body)).toEqual([])
        expect(chosenServers(body, reads(client))).toEqual(PREFERRED)
      })

      // KDE retried a 404 .well-known about 1,000 times a second (§1.1): every answer stays a short
      // 404, and nothing is logged above info (the cache keeps the unknown domain off the database).
      it('answers a burst of .well-known requests for an unknown domain with 404s, logging no error', async () => {
        const lines = target.captureLog()
        const statuses = await Promise.all(
          Array.from({ length: 50 }, () => getConfig('/.well-known/autoconfig/mail/config-v1.1.xml', 'unknown-kde.example').then((r) => r.response.status)),
        )
        expect(statuses).toEqual(Array(50).fill(404))
        const levels = lines.map((line) => (JSON.parse(line) as { level?: string }).level)
        expect(levels.filter((level) => level === 'error' || level === 'warn')).toEqual([])
      })
    })

    describe('GET /healthz', () => {
      it('answers 200 ok when the database answers', async () => {
        const response = await target.fetch('/healthz')
        expect(response.status).toBe(200)
        expect(await response.text()).toBe('ok')
      })
    })
  })
}
