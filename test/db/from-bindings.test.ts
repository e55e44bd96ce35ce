import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { databaseFromBindings } from '../../src/db/from-bindings'
import worker from '../../src/worker'

const CONFIG_URL = 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.com'

function captureConsole() {
  const lines: Record<string, unknown>[] = []
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(JSON.parse(args.map(String).join(' ')) as Record<string, unknown>)
    })
  }
  return lines
}

afterEach(() => vi.restoreAllMocks())

describe('the database a Worker uses', () => {
  it('answers 500 naming both options when neither DB nor LIBSQL_URL is set, and logs it', async () => {
    const lines = captureConsole()
    const response = await worker.fetch(new Request(CONFIG_URL), { ...env, DB: undefined, LIBSQL_URL: undefined, LOG_LEVEL: 'info' })
    expect(response.status).toBe(500)
    const body = await response.text()
    expect(body).toContain('bind a D1 database as DB')
    expect(body).toContain('set LIBSQL_URL (with the secret LIBSQL_AUTH_TOKEN)')
    expect(lines.find((l) => l.level === 'error')).toMatchObject({ msg: 'configuration error', cause: expect.stringContaining('LIBSQL_URL') })
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ status: 500 })
  })

  // The plain entry leaves the PostgreSQL/MySQL drivers out (src/worker-hyperdrive.ts has them;
  // test/db/hyperdrive.test.ts runs that one).
  it('answers 500 naming the entry to deploy when HYPERDRIVE is bound but the drivers are not in this Worker', async () => {
    const lines = captureConsole()
    const response = await worker.fetch(new Request(CONFIG_URL), { ...env, DB: undefined, HYPERDRIVE: env.HYPERDRIVE_POSTGRES, LOG_LEVEL: 'info' })
    expect(response.status).toBe(500)
    expect(await response.text()).toContain('src/worker-hyperdrive.ts')
    expect(lines.find((l) => l.level === 'error')).toMatchObject({ msg: 'configuration error', cause: expect.stringContaining('HYPERDRIVE') })
  })

  it.each([
    ['a file: URL (only the Node entry opens files)', 'file:./data/mailconf.db', 'URL_SCHEME_NOT_SUPPORTED'],
    ['a WebSocket URL', 'wss://db.example.turso.io', 'not ws:/wss:'],
    ['no URL at all', 'not a url', 'LIBSQL_URL is not usable on Workers'],
  ])('answers 500 for %s in LIBSQL_URL', async (_case, url, message) => {
    captureConsole()
    const response = await worker.fetch(new Request(CONFIG_URL), { ...env, DB: undefined, LIBSQL_URL: url })
    expect(response.status).toBe(500)
    expect(await response.text()).toContain(message)
  })

  it('never puts the auth token of a bad URL into the answer or the log', async () => {
    const lines = captureConsole()
    const url = 'file:x.db?authToken=very-secret-token'
    const response = await worker.fetch(new Request(CONFIG_URL), { ...env, DB: undefined, LIBSQL_URL: url, LIBSQL_AUTH_TOKEN: 'other-secret' })
    expect(response.status).toBe(500)
    expect(`${await response.text()}\n${JSON.stringify(lines)}`).not.toMatch(/very-secret-token|other-secret/)
  })

  // Proves the libsql path is taken: with nothing listening, the libsql client's request fails and
  // the app answers as for any unreachable database.
  it('uses LIBSQL_URL when there is no D1 binding, and answers 503 when that server is down', async () => {
    const lines = captureConsole()
    const response = await worker.fetch(new Request(CONFIG_URL), { ...env, DB: undefined, LIBSQL_URL: 'http://127.0.0.1:9', LIBSQL_AUTH_TOKEN: 't' })
    expect(response.status).toBe(503)
    expect(lines.find((l) => l.level === 'error')).toMatchObject({ msg: 'database unavailable' })
  })

  it('prefers the D1 binding when both are set', async () => {
    const response = await worker.fetch(new Request('https://x.example/healthz'), { ...env, LIBSQL_URL: 'http://127.0.0.1:9' })
    expect(response.status).toBe(200)
  })

  it('keeps one Drizzle handle per binding and per libsql URL, not one per request', () => {
    const d1 = databaseFromBindings(env)
    expect(databaseFromBindings({ ...env })).toBe(d1)
    const other = new Proxy(env.DB, {})
    expect(databaseFromBindings({ ...env, DB: other })).not.toBe(d1)
    const libsql = { ...env, DB: undefined, LIBSQL_URL: 'https://db.example.turso.io', LIBSQL_AUTH_TOKEN: 't1' }
    const first = databaseFromBindings(libsql)
    expect(databaseFromBindings({ ...libsql })).toBe(first)
    expect(databaseFromBindings({ ...libsql, LIBSQL_AUTH_TOKEN: 't2' })).not.toBe(first)
  })
})

describe('PROXY_COUNT in the Worker', () => {
  it('answers 500 naming PROXY_COUNT when it is not a number', async () => {
    captureConsole()
    const response = await worker.fetch(new Request('https://x.example/healthz'), { ...env, PROXY_COUNT: 'yes' })
    expect(response.status).toBe(500)
    expect(await response.text()).toContain('PROXY_COUNT must be a whole number')
  })

  it('logs the CF-Connecting-IP address and ignores X-Forwarded-For by default', async () => {
    const lines = captureConsole()
    const headers = { 'CF-Connecting-IP': '198.51.100.4', 'X-Forwarded-For': '6.6.6.6' }
    await worker.fetch(new Request('https://x.example/healthz', { headers }), { ...env, LOG_LEVEL: 'info' })
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({ client: '198.51.100.4' })
  })
})
