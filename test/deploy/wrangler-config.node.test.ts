/**
 * wrangler.toml as it deploys: the Worker served by wrangler's own harness from that file, so its
 * bindings are the deployed ones. The admin rate limiter ships on (issue 14, finding 12): wrong
 * tokens run into 429 after 30 admin requests a minute, while config requests go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWorker, type ServedWorker } from '../support/node/served-worker'

let worker: ServedWorker
beforeAll(async () => {
  worker = await serveWorker()
}, 60_000)
afterAll(() => worker?.close())

describe('wrangler.toml', () => {
  it('limits admin requests per address (ADMIN_RATE_LIMITER: 30 a minute), not config requests', async () => {
    // serveWorker has sent one admin request already (the seed).
    const statuses: number[] = []
    for (let i = 0; i < 35; i++) {
      const response = await fetch(new URL('/admin/providers', worker.url), { headers: { Authorization: 'Bearer wrong-token-guess-0000' } })
      statuses.push(response.status)
      if (response.status === 429) {
        expect(response.headers.get('Retry-After')).toMatch(/^\d+$/)
        expect(await response.json()).toEqual({ error: expect.stringContaining('too many admin requests') })
      } else {
        await response.body?.cancel()
      }
    }
    const firstLimited = statuses.indexOf(429)
    expect(statuses.slice(0, firstLimited).every((status) => status === 401)).toBe(true)
    // 30 a minute: the seed and 29 guesses pass, give or take one for the limiter's window edge.
    expect(firstLimited).toBeGreaterThanOrEqual(28)
    expect(firstLimited).toBeLessThanOrEqual(31)
    expect(statuses.slice(firstLimited).every((status) => status === 429)).toBe(true)
    const config = await fetch(new URL('/mail/config-v1.1.xml?emailaddress=alice%40example.com', worker.url))
    expect(config.status).toBe(200)
  }, 60_000)
})
