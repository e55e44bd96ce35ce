/**
 * The request log through the whole service, on any storage driver (test/support/target.ts): one
 * JSON line per request, never a local part, a token or an Authorization header.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { seed, type ProtocolTarget } from '../support/target'

export function describeLogging(target: ProtocolTarget): void {
  describe(`request log on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      await seed(target, sample)
    })
    afterEach(() => vi.restoreAllMocks())

    it('writes one JSON line with method, path, status, duration and domain, without the local part', async () => {
      const info = await target.withSettings({ LOG_LEVEL: 'info' })
      const lines = target.captureLog()
      const response = await info.fetch('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=very.private%40example.net')
      expect(response.status).toBe(200)
      expect(lines).toHaveLength(1)
      const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
      expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/mail/config-v1.1.xml', status: 200, domain: 'example.net' })
      expect(typeof line.duration_ms).toBe('number')
      expect(lines.join('\n')).not.toContain('very.private')
    })

    // Issue 13: the log says which kind of client asked, never its User-Agent.
    it.each([
      ['evolution', '/mail/config-v1.1.xml?emailaddress=EVOLUTIONUSER%40example.net&emailmd5=0cc175b9c0f1b6a831c399e269772661', 'Evolution/3.46.4'],
      ['thunderbird', '/mail/config-v1.1.xml?emailaddress=a%40example.net', 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Thunderbird/140.5.0'],
      ['unknown', '/mail/config-v1.1.xml?emailaddress=a%40example.net', 'private.person@example.net-agent/1.0'],
    ])('logs client_family %s from the request, not the User-Agent', async (family, path, userAgent) => {
      const info = await target.withSettings({ LOG_LEVEL: 'info' })
      const lines = target.captureLog()
      await info.fetch(`https://autoconfig.example.com${path}`, { headers: { 'User-Agent': userAgent } })
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'request', client_family: family })
      expect(lines[0]).not.toContain(userAgent)
      expect(lines[0]).not.toContain('private.person')
    })

    it.each(['very.private%40example.net', 'very.private%2540example.net', 'very.private%25%34%30example.net'])(
      'keeps the local part of the v2 path form out of the log, encoded as %s',
      async (segment) => {
        const info = await target.withSettings({ LOG_LEVEL: 'info' })
        const lines = target.captureLog()
        await info.fetch(`https://autodiscover.example.net/autodiscover/autodiscover.json/v1.0/${segment}?Protocol=ActiveSync`)
        expect(lines.length).toBeGreaterThan(0)
        expect(lines.join('\n')).toContain('/v1.0/<address>')
        expect(lines.join('\n')).not.toContain('very.private')
      },
    )

    it('never logs the admin token or the Authorization header', async () => {
      const debug = await target.withSettings({ LOG_LEVEL: 'debug' })
      const lines = target.captureLog()
      await debug.fetch('https://x.example/initdb/', { headers: { Authorization: 'Bearer guess-123' } })
      await debug.fetch('https://x.example/initdb/', { headers: { Authorization: `Bearer ${debug.adminToken}` } })
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.join('\n')).not.toMatch(new RegExp(`guess-123|${debug.adminToken}|Bearer`))
    })
  })
}
