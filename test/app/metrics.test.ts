/**
 * Counting config requests (src/app/metrics.ts): which outcome a request had, and the Workers
 * Analytics Engine path, through miniflare's real binding (bound in vitest.config.ts as a
 * deployment would bind it): one data point per config request with fixed-list labels only, and a
 * binding that fails never fails a request. Workerd-only: the binding exists only there (the Node
 * server's Prometheus path is test/node/metrics.node.test.ts).
 */
import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { outcomeOf } from '../../src/app/metrics'
import worker from '../../src/worker'
import { captureConsole } from '../support/capture-console'
import { resetDatabase, seed } from '../support/worker'

const SEED = {
  version: 2,
  provider: 'Example Inc.',
  domains: ['example.com'],
  servers: [
    { type: 'imap', name: 'imap.example.com' },
    { type: 'smtp', name: 'smtp.example.com', port: 465 },
  ],
}

beforeEach(async () => {
  await resetDatabase()
  expect((await seed(SEED)).status).toBe(200)
})
afterEach(() => vi.restoreAllMocks())

describe('outcomeOf', () => {
  it.each([
    ['bad-request', 200, 'bad_request'],
    ['unknown-domain', 200, 'unknown_domain'],
    ['unavailable', 503, 'unavailable'],
    [undefined, 200, 'ok'],
    [undefined, 301, 'ok'],
    [undefined, 404, 'unknown_domain'],
    [undefined, 413, 'bad_request'],
    [undefined, 415, 'bad_request'],
    [undefined, 500, 'unavailable'],
  ] as const)('%s with %i → %s', (failure, status, outcome) => {
    expect(outcomeOf(failure, status)).toBe(outcome)
  })
})

/** The real binding, with every data point it is handed also kept for the test. */
function recordingBinding(): { binding: AnalyticsEngineDataset; points: AnalyticsEngineDataPoint[] } {
  const points: AnalyticsEngineDataPoint[] = []
  const real = env.METRICS
  if (!real) throw new Error('vitest.config.ts binds METRICS')
  return {
    points,
    binding: {
      writeDataPoint(point) {
        if (point) points.push(point)
        real.writeDataPoint(point)
      },
    },
  }
}

const fetchWith = (metrics: AnalyticsEngineDataset, path: string, init: RequestInit = {}) =>
  worker.fetch(new Request(new URL(path, 'https://autoconfig.example.com'), init), { ...env, METRICS: metrics })

const POX = (address: string) =>
  `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`

describe('the Analytics Engine binding METRICS', () => {
  it('gets one data point per config request: protocol, outcome, client family, duration; nothing for other routes', async () => {
    const { binding, points } = recordingBinding()
    const thunderbird = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0' }
    const outlook = { 'User-Agent': 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)' }
    expect((await fetchWith(binding, '/mail/config-v1.1.xml?emailaddress=alice%40example.com', { headers: thunderbird })).status).toBe(200)
    expect((await fetchWith(binding, '/mail/config-v1.1.xml?emailaddress=bob%40unknown.example', { headers: thunderbird })).status).toBe(404)
    expect((await fetchWith(binding, '/mail/config-v1.1.xml?emailaddress=not-an-address')).status).toBe(400)
    expect((await fetchWith(binding, '/autodiscover/autodiscover.xml', { method: 'POST', body: POX('carol@unknown.example'), headers: outlook })).status).toBe(200)
    expect((await fetchWith(binding, '/autodiscover/autodiscover.json?Email=dave%40example.com&Protocol=AutodiscoverV1', { headers: outlook })).status).toBe(200)
    expect((await fetchWith(binding, '/healthz')).status).toBe(200)
    expect((await fetchWith(binding, '/no-such-page')).status).toBe(404)

    expect(points.map((p) => ({ indexes: p.indexes, blobs: p.blobs }))).toEqual([
      { indexes: ['autoconfig'], blobs: ['autoconfig', 'ok', 'thunderbird'] },
      { indexes: ['autoconfig'], blobs: ['autoconfig', 'unknown_domain', 'thunderbird'] },
      { indexes: ['autoconfig'], blobs: ['autoconfig', 'bad_request', 'unknown'] },
      // §2.5: an unknown domain gets ErrorCode 500 with HTTP 200; it counts as what it is.
      { indexes: ['autodiscover'], blobs: ['autodiscover', 'unknown_domain', 'outlook'] },
      { indexes: ['autodiscover_json'], blobs: ['autodiscover_json', 'ok', 'outlook'] },
    ])
    for (const point of points) {
      expect(point.doubles).toHaveLength(1)
      expect(point.doubles?.[0]).toBeGreaterThanOrEqual(0)
    }
    // No address, local part or domain reaches the dataset.
    expect(JSON.stringify(points)).not.toMatch(/alice|bob|carol|dave|example/)
  })

  it('never fails a request when writing fails, and says so in the log once', async () => {
    const lines = captureConsole()
    const broken: AnalyticsEngineDataset = {
      writeDataPoint() {
        throw new Error('dataset unavailable')
      },
    }
    for (let i = 0; i < 3; i++) {
      const response = await fetchWith(broken, '/mail/config-v1.1.xml?emailaddress=alice%40example.com')
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('<hostname>imap.example.com</hostname>')
    }
    const warnings = lines.filter((line) => line.includes('Analytics Engine'))
    expect(warnings).toHaveLength(1)
    expect(warnings.join('\n')).not.toContain('alice')
  })

  it('is optional: without it requests are answered as ever', async () => {
    const response = await worker.fetch(new Request('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com'), { ...env, METRICS: undefined })
    expect(response.status).toBe(200)
  })

  it('does not turn on GET /metrics, which only the Node server serves', async () => {
    const response = await worker.fetch(new Request('https://autoconfig.example.com/metrics', { headers: { Authorization: 'Bearer a-metrics-token-of-16' } }), { ...env, METRICS_TOKEN: 'a-metrics-token-of-16' })
    expect(response.status).toBe(404)
  })
})
