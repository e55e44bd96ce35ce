/**
 * Autodiscover v2 JSON (docs/clients.md §2.9) through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import sample from '../../../seed/sample.json'
import { validateAutodiscoverV2 } from '../../../src/client-rules/autodiscover'
import { seed, type ProtocolTarget } from '../../support/target'

const HOST = 'autodiscover.example.com'
const EAS = 'https://eas.example.com/Microsoft-Server-ActiveSync'
const POX_URL = `https://${HOST}/autodiscover/autodiscover.xml`
const SEED = {
  version: 2,
  provider: 'Example Inc.',
  domains: ['example.com'],
  servers: [{ type: 'imap', name: 'imap.example.com' }, { type: 'activesync', url: EAS }],
}

async function getJson(target: ProtocolTarget, pathAndQuery: string) {
  const response = await target.fetch(`https://${HOST}${pathAndQuery}`)
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
  expect(response.headers.get('Cache-Control')).toBe('no-store')
  return { status: response.status, body: (await response.json()) as Record<string, string> }
}

// §2.9: both request forms, any path case (§5.8).
const FORMS = [
  ['query', (address: string, protocol: string) => `/autodiscover/autodiscover.json?Email=${address}&Protocol=${protocol}`],
  ['query, other case', (address: string, protocol: string) => `/AutoDiscover/AutoDiscover.json?email=${address}&protocol=${protocol}&RedirectCount=1`],
  ['path', (address: string, protocol: string) => `/autodiscover/autodiscover.json/v1.0/${address}?Protocol=${protocol}`],
  ['path, other case', (address: string, protocol: string) => `/Autodiscover/Autodiscover.json/V1.0/${address}?Protocol=${protocol}`],
] as const

export function describeAutodiscoverV2(target: ProtocolTarget): void {
  describe(`Autodiscover v2 on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, SEED)).status).toBe(200)
    })
    afterEach(() => vi.restoreAllMocks())

    describe('GET /autodiscover/autodiscover.json', () => {
      it.each(FORMS)('points AutodiscoverV1 at the POX URL (%s form)', async (_form, url) => {
        const answer = await getJson(target, url('alice%40example.com', 'AutodiscoverV1'))
        expect(answer).toEqual({ status: 200, body: { Protocol: 'AutodiscoverV1', Url: POX_URL } })
        expect(validateAutodiscoverV2(JSON.stringify(answer.body))).toEqual([])
      })

      it.each(FORMS)('points ActiveSync at the domain’s URL (%s form)', async (_form, url) => {
        expect(await getJson(target, url('alice@Example.COM', 'ActiveSync'))).toEqual({ status: 200, body: { Protocol: 'ActiveSync', Url: EAS } })
      })

      it.each(['a"b.example', 'x{y}.example'])('refuses the Host %s instead of putting it into the Url', async (host) => {
        // Over http: workerd's own fetch refuses such a host in an https URL before the Worker sees it.
        const response = await target.fetch(`http://${host}/autodiscover/autodiscover.json?Email=alice%40example.com&Protocol=AutodiscoverV1`)
        expect(response.status).toBe(400)
        const text = await response.text()
        expect(text).toContain('Host header')
        expect(text).not.toContain(host)
      })

      // §2.9: Outlook 2019 sent `Autodiscoverv1`.
      it.each(['Autodiscoverv1', 'autodiscoverv1', 'AUTODISCOVERV1'])('treats Protocol=%s case-insensitively', async (protocol) => {
        expect((await getJson(target, `/autodiscover/autodiscover.json?Email=a%40example.com&Protocol=${protocol}`)).body).toEqual({ Protocol: 'AutodiscoverV1', Url: POX_URL })
      })

      it('reads a + in the path form literally', async () => {
        expect((await getJson(target, '/autodiscover/autodiscover.json/v1.0/a+tag@example.com?Protocol=ActiveSync')).status).toBe(200)
      })

      it.each([
        ['EWS', 'EWS'],
        ['Rest', 'Rest'],
        ['no Protocol at all', ''],
      ])('answers %s with 400 InvalidProtocol', async (_case, protocol) => {
        const query = protocol ? `&Protocol=${protocol}` : ''
        const { status, body } = await getJson(target, `/autodiscover/autodiscover.json?Email=a%40example.com${query}`)
        expect(status).toBe(400)
        expect(body).toEqual({ ErrorCode: 'InvalidProtocol', ErrorMessage: `The given protocol value '${protocol}' is invalid. Supported values are 'AutodiscoverV1,ActiveSync'` })
      })

      // §2.8: never advertise an ActiveSync URL that does not exist.
      it('answers ActiveSync for a domain without an ActiveSync URL with 400 InvalidProtocol', async () => {
        await target.reset()
        await seed(target, sample)
        const { status, body } = await getJson(target, '/autodiscover/autodiscover.json/v1.0/a@example.com?Protocol=ActiveSync')
        expect(status).toBe(400)
        expect(body.ErrorCode).toBe('InvalidProtocol')
      })

      it.each(FORMS)('answers an unknown domain with 404 (%s form)', async (_form, url) => {
        expect(await getJson(target, url('a%40nowhere.example', 'AutodiscoverV1'))).toEqual({
          status: 404,
          body: { ErrorCode: 'NotFound', ErrorMessage: 'no mail configuration for nowhere.example' },
        })
      })

      it.each([
        ['no Email', '/autodiscover/autodiscover.json?Protocol=AutodiscoverV1', 'no email address given'],
        ['a malformed Email', '/autodiscover/autodiscover.json?Email=nobody&Protocol=AutodiscoverV1', 'malformed'],
        ['bad percent-encoding', '/autodiscover/autodiscover.json?Email=a%ZZ%40example.com&Protocol=AutodiscoverV1', 'percent-encoded'],
        ['bad percent-encoding in the path', '/autodiscover/autodiscover.json/v1.0/a%E0%40example.com?Protocol=AutodiscoverV1', 'percent-encoded'],
      ])('answers %s with 400 InvalidUser', async (_case, url, message) => {
        const { status, body } = await getJson(target, url)
        expect(status).toBe(400)
        expect(body).toEqual({ ErrorCode: 'InvalidUser', ErrorMessage: expect.stringContaining(message) })
      })

      it('keeps the address of the path form out of the request log', async () => {
        const info = await target.withSettings({ LOG_LEVEL: 'info' })
        const lines = target.captureLog()
        const response = await info.fetch(`https://${HOST}/autodiscover/autodiscover.json/v1.0/very.private%40example.com?Protocol=ActiveSync`)
        expect(response.status).toBe(200)
        expect(lines).toHaveLength(1)
        expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ path: '/autodiscover/autodiscover.json/v1.0/<address>', domain: 'example.com' })
        expect(lines[0]).not.toContain('very.private')
      })
    })
  })
}
