/**
 * GET /metrics on the Node server (src/node/metrics.ts, guarded in src/app/metrics.ts): real
 * requests over HTTP as NGINX forwards them, then a scrape in Prometheus' text format whose counts
 * must match, label for label, what the test sent. A directory on a closed port makes the
 * `unavailable` outcome.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { ldapPorts, ldapSeedEntry } from '../support/ldap-fixture'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { seed } from '../support/target'

const METRICS_TOKEN = 'a-metrics-token-for-tests'
let target: NodeTarget

beforeAll(async () => {
  target = await startNodeTarget({ METRICS_TOKEN })
  const seeded = await seed(target, {
    version: 2,
    provider: 'Example Inc.',
    domains: [{ name: 'example.com' }, { name: 'directory.example', ldapserver_id: 1 }],
    ldapservers: [ldapSeedEntry({ port: ldapPorts().closedPort })],
    servers: [
      { type: 'imap', name: 'imap.example.com' },
      { type: 'smtp', name: 'smtp.example.com', port: 465 },
    ],
  })
  expect(seeded.status).toBe(200)
}, 30_000)
afterAll(() => target?.stop())
afterEach(() => vi.restoreAllMocks())

const UA = {
  thunderbird: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0',
  android: 'okhttp/4.12.0',
  outlook: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
}
const POX = (address: string, schema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a') =>
  `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`
const MOBILESYNC = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'

async function send(path: string, userAgent: string | null, status: number, init: RequestInit = {}) {
  const headers = { ...(userAgent === null ? {} : { 'User-Agent': userAgent }), ...(init.headers as Record<string, string> | undefined) }
  const response = await target.fetch(`https://autoconfig.example.com${path}`, { ...init, headers })
  await response.arrayBuffer()
  expect(response.status, path).toBe(status)
}

/** `name{a="x",b="y"} 3` lines of the exposition, as `a=x,b=y` → 3 for one metric name. */
function samples(text: string, name: string): Record<string, number> {
  const found: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => `${key}=${value}`).join(',')
    found[labels] = Number(match[3])
  }
  return found
}

const scrape = (token: string | null, via: Pick<NodeTarget, 'fetch'> = target) =>
  via.fetch('http://127.0.0.1/metrics', token === null ? {} : { headers: { Authorization: `Bearer ${token}` } })

describe('GET /metrics on the Node server', () => {
  it('counts each config request by protocol, outcome and client family, and times it per protocol', async () => {
    // The directory failure is logged (as an error); the log is not what this test is about.
    target.captureLog()
    for (let i = 0; i < 3; i++) await send('/mail/config-v1.1.xml?emailaddress=alice%40example.com', UA.thunderbird, 200)
    await send('/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=bob%40unknown.example', UA.android, 404)
    await send('/mail/config-v1.1.xml?emailaddress=not-an-address', null, 400)
    // Evolution's signature (docs/clients.md §1.1), for a domain whose directory is down.
    await send('/mail/config-v1.1.xml?emailaddress=carol%40directory.example&emailmd5=0123', null, 503)
    for (let i = 0; i < 2; i++) await send('/autodiscover/autodiscover.xml', UA.outlook, 200, { method: 'POST', body: POX('dave@example.com') })
    await send('/autodiscover/autodiscover.xml', UA.outlook, 200, { method: 'POST', body: POX('erin@unknown.example') })
    await send('/autodiscover/autodiscover.xml', UA.iphone, 200, { method: 'POST', body: POX('frank@example.com', MOBILESYNC) })
    await send('/autodiscover/autodiscover.json?Email=grace%40example.com&Protocol=AutodiscoverV1', UA.outlook, 200)
    await send('/mobileconfig?emailaddress=heidi%40example.com', UA.iphone, 200)
    // Not config requests: not counted.
    await send('/healthz', null, 200)
    await send('/admin/providers', null, 401)

    const response = await scrape(METRICS_TOKEN)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(samples(text, 'mailconf_requests_total')).toEqual({
      'protocol=autoconfig,outcome=ok,client_family=thunderbird': 3,
      'protocol=autoconfig,outcome=unknown_domain,client_family=thunderbird-android': 1,
      'protocol=autoconfig,outcome=bad_request,client_family=unknown': 1,
      'protocol=autoconfig,outcome=unavailable,client_family=evolution': 1,
      'protocol=autodiscover,outcome=ok,client_family=outlook': 2,
      'protocol=autodiscover,outcome=unknown_domain,client_family=outlook': 1,
      // No ActiveSync server: ErrorCode 601 (§2.8), an answer of the protocol.
      'protocol=mobilesync,outcome=ok,client_family=apple': 1,
      'protocol=autodiscover_json,outcome=ok,client_family=outlook': 1,
      'protocol=mobileconfig,outcome=ok,client_family=apple': 1,
    })
    expect(samples(text, 'mailconf_request_duration_seconds_count')).toEqual({
      'protocol=autoconfig': 6,
      'protocol=autodiscover': 3,
      'protocol=mobilesync': 1,
      'protocol=autodiscover_json': 1,
      'protocol=mobileconfig': 1,
    })
    expect(text).toContain('mailconf_request_duration_seconds_bucket{le="0.005",protocol="autoconfig"}')
    // Labels come from fixed lists: no address, local part or domain.
    expect(text).not.toMatch(/alice|bob|carol|dave|erin|frank|grace|heidi|example/)
  })

  it('answers 401 without the token or with another one', async () => {
    for (const token of [null, 'not-the-metrics-token']) {
      const response = await scrape(token)
      expect(response.status).toBe(401)
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="mailconf metrics"')
      expect(await response.text()).toBe('missing or wrong metrics token (send Authorization: Bearer <METRICS_TOKEN>)')
    }
  })

  it('does not exist without METRICS_TOKEN (404)', async () => {
    const without = await target.withSettings({ METRICS_TOKEN: undefined })
    expect((await scrape(METRICS_TOKEN, without)).status).toBe(404)
  })
})
