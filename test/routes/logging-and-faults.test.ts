import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/index'
import sample from '../../seed/sample.json'
import { resetDatabase, seed } from '../support/worker'
import { captureConsole } from '../support/capture-console'

/** A D1 binding whose every use fails, as when the database is unreachable. */
const brokenD1 = new Proxy(env.DB, {
  get() {
    return () => {
      throw new Error('D1_ERROR: network connection lost')
    }
  },
})


beforeEach(async () => {
  await resetDatabase()
  await seed(sample)
})
afterEach(() => vi.restoreAllMocks())

describe('request log', () => {
  it('writes one JSON line with method, path, status, duration and domain, without the local part', async () => {
    const lines = captureConsole()
    const response = await worker.fetch(
      new Request('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=very.private%40example.net'),
      { ...env, LOG_LEVEL: 'info' },
    )
    expect(response.status).toBe(200)
    expect(lines).toHaveLength(1)
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/mail/config-v1.1.xml', status: 200, domain: 'example.net' })
    expect(typeof line.duration_ms).toBe('number')
    expect(lines.join('\n')).not.toContain('very.private')
  })

  it('never logs the admin token or the Authorization header', async () => {
    const lines = captureConsole()
    await worker.fetch(new Request('https://x.example/initdb/', { headers: { Authorization: 'Bearer guess-123' } }), { ...env, LOG_LEVEL: 'debug' })
    await worker.fetch(new Request('https://x.example/initdb/', { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } }), { ...env, LOG_LEVEL: 'debug' })
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('\n')).not.toMatch(new RegExp(`guess-123|${env.ADMIN_TOKEN}|Bearer`))
  })
})

describe('database failures', () => {
  it('answers a config request with 503 and Retry-After, without a stack trace', async () => {
    captureConsole()
    const response = await worker.fetch(
      new Request('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.com'),
      { ...env, DB: brokenD1 },
    )
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('30')
    const body = await response.text()
    expect(body).toContain('unavailable')
    expect(body).not.toMatch(/at |D1_ERROR|\.ts:/)
  })

  it('answers /healthz with 503', async () => {
    const response = await worker.fetch(new Request('https://x.example/healthz'), { ...env, DB: brokenD1 })
    expect(response.status).toBe(503)
    expect(await response.text()).toBe('database unavailable')
  })

  it('logs the cause at error level', async () => {
    const lines = captureConsole()
    await worker.fetch(new Request('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.com'), { ...env, DB: brokenD1 })
    const errorLine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error')
    expect(errorLine).toMatchObject({ msg: 'database unavailable', cause: expect.stringContaining('network connection lost') })
  })
})
