import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/worker'
import sample from '../../seed/sample.json'
import { describeLogging } from '../protocol/logging.suite'
import { captureConsole } from '../support/capture-console'
import { resetDatabase, seed } from '../support/worker'
import { workerTarget } from '../support/worker-target'

describeLogging(workerTarget)

// Workerd-only: a broken D1 binding per request; the libsql counterpart is test/node/database-failures.test.ts.
/** A D1 binding whose every use fails, as when the database is unreachable. */
const brokenD1 = new Proxy(env.DB, {
  get() {
    return () => {
      throw new Error('D1_ERROR: network connection lost')
    }
  },
})

describe('database failures', () => {
  beforeEach(async () => {
    await resetDatabase()
    await seed(sample)
  })
  afterEach(() => vi.restoreAllMocks())

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
