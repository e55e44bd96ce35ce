/**
 * A directory flood against the Node server (issue 14, finding 1): a directory that accepts and
 * never answers, hundreds of concurrent anonymous requests for its domain. Connections stay under
 * LDAP_MAX_CONNECTIONS, the rest is refused quickly (503), another directory domain keeps
 * answering, a failing directory stops being dialled (the circuit), requests that go away take
 * their connections with them, and non-public directory hosts are refused unless allowed.
 */
import { request } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { ldapSeedEntry } from '../support/ldap-fixture'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { seed, type Settings } from '../support/target'

/** A TCP server that accepts and never says a word, counting what it holds. */
async function silentDirectory() {
  const open = new Set<Socket>()
  let most = 0
  let total = 0
  const server: Server = createServer((socket) => {
    open.add(socket)
    total++
    most = Math.max(most, open.size)
    socket.on('error', () => undefined)
    socket.on('close', () => open.delete(socket))
    // Reads (and ignores) what arrives, so a connection the client closes is seen closing.
    socket.resume()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    stats: () => ({ open: open.size, most, total }),
    stop: () => new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy()
      server.close(() => resolve())
    }),
  }
}

type Silent = Awaited<ReturnType<typeof silentDirectory>>

const SEEDED = (silentPort: number) => ({
  version: 2,
  provider: 'Flood Co',
  domains: [{ name: 'flood.example', ldapserver_id: 1 }, { name: 'good.example', ldapserver_id: 2 }],
  ldapservers: [
    { ...ldapSeedEntry(), id: 1, port: silentPort },
    { ...ldapSeedEntry(), id: 2 },
  ],
  servers: [{ type: 'imap', name: 'imap.flood.example' }, { type: 'smtp', name: 'smtp.flood.example' }],
})

/** GET Autoconfig for `address` straight to the server, as NGINX forwards it; abortable. */
function ask(target: NodeTarget, address: string, signal?: AbortSignal): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now()
  const { hostname, port } = new URL(target.serverUrl)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
        headers: { host: 'autoconfig.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
        agent: false,
        ...(signal ? { signal } : {}),
      },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - started }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

const targets: NodeTarget[] = []
const silents: Silent[] = []
async function setUp(settings: Settings) {
  const silent = await silentDirectory()
  const target = await startNodeTarget({ LDAP_TIMEOUT_MS: '1500', LDAP_MAX_CONNECTIONS: '8', LDAP_QUEUE_MS: '300', ...settings })
  silents.push(silent)
  targets.push(target)
  expect((await seed(target, SEEDED(silent.port))).status).toBe(200)
  return { silent, target }
}
afterAll(async () => {
  await Promise.all([...targets.map((t) => t.stop()), ...silents.map((s) => s.stop())])
})
afterEach(() => vi.restoreAllMocks())

describe('a silent directory under a flood of anonymous requests', () => {
  it('holds at most LDAP_MAX_CONNECTIONS connections; the rest get 503 fast; other directories keep answering', async () => {
    const { silent, target } = await setUp({ LDAP_CIRCUIT_FAILURES: '0' })
    const lines = target.captureLog()
    const flood = Array.from({ length: 300 }, (_, i) => ask(target, `user${i}@flood.example`))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const other = await ask(target, 'john.doe@good.example')
    expect(other.status).toBe(200)
    expect(other.ms).toBeLessThan(1_000)
    const answers = await Promise.all(flood)
    expect(answers.every((a) => a.status === 503)).toBe(true)
    expect(silent.stats().most).toBeLessThanOrEqual(8)
    expect(silent.stats().total).toBeLessThanOrEqual(8 + 32)
    // Past the queue, a lookup is refused at once, without waiting for a connection. Counted from
    // the log, not the clock: on a busy 2-core machine 300 connections take a while to arrive.
    const refusedAtOnce = lines.filter((l) => /"stage":"queue"/.test(l) && /lookups running and \d+ waiting/.test(l))
    expect(refusedAtOnce.length).toBeGreaterThan(200)
  })

  it('stops dialling a directory that keeps failing (the circuit opens)', async () => {
    const { silent, target } = await setUp({ LDAP_CIRCUIT_FAILURES: '5', LDAP_CIRCUIT_SECONDS: '60', LDAP_TIMEOUT_MS: '300' })
    const lines = target.captureLog()
    for (let i = 0; i < 5; i++) expect((await ask(target, `user${i}@flood.example`)).status).toBe(503)
    const dialled = silent.stats().total
    expect(dialled).toBe(5)
    const refused = await ask(target, 'late@flood.example')
    expect(refused.status).toBe(503)
    expect(refused.ms).toBeLessThan(200)
    expect(silent.stats().total).toBe(dialled)
    expect(lines.some((l) => /"stage":"circuit"/.test(l))).toBe(true)
    expect((await ask(target, 'john.doe@good.example')).status).toBe(200)
  })

  it('closes the connections of requests that went away, long before the timeout', async () => {
    const { silent, target } = await setUp({ LDAP_CIRCUIT_FAILURES: '0', LDAP_TIMEOUT_MS: '20000' })
    target.captureLog()
    const controller = new AbortController()
    const asked = Array.from({ length: 8 }, (_, i) => ask(target, `gone${i}@flood.example`, controller.signal).catch(() => 'aborted'))
    for (let i = 0; i < 50 && silent.stats().open < 8; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(silent.stats().open).toBe(8)
    controller.abort()
    expect(await Promise.all(asked)).toEqual(Array(8).fill('aborted'))
    for (let i = 0; i < 50 && silent.stats().open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(silent.stats().open).toBe(0)
    // The slots are free again: the next lookup dials at once.
    const next = ask(target, 'next@flood.example', AbortSignal.timeout(2_000)).catch(() => 'aborted')
    for (let i = 0; i < 50 && silent.stats().total < 9; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(silent.stats().total).toBe(9)
    await next
  })
})

describe('the directory host policy', () => {
  it('refuses a loopback directory without LDAP_ALLOW_PRIVATE, never dialling it', async () => {
    const { silent, target } = await setUp({ LDAP_ALLOW_PRIVATE: undefined })
    const lines = target.captureLog()
    const answer = await ask(target, 'someone@flood.example')
    expect(answer.status).toBe(503)
    expect(silent.stats().total).toBe(0)
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'directory unavailable')
    expect(logged).toMatchObject({ stage: 'policy', cause: expect.stringContaining('LDAP_ALLOW_PRIVATE') })
  })
})
