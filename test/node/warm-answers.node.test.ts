/**
 * The Node server answers what the warm domain cache alone can answer before the adaptor and the
 * app (src/app/warm-answers.ts, issue 18). Those answers must be the app's own, byte for byte, with
 * the same log line and the same metrics; everything else must reach the app. Two servers share one
 * database (and so one domain cache): one answers warm requests itself, the other sends every
 * request through the app; each request is sent to both and the raw answers are compared.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { createWarmAnswers } from '../../src/app/warm-answers'
import { singleHandle } from '../../src/db/database'
import { migrateDatabase, openDatabase } from '../../src/node/database'
import { startServer, warmRequestOf, type RunningServer } from '../../src/node/server'
import { captureConsole } from '../support/capture-console'
import { MIGRATIONS_FOLDER } from '../support/node/node-target'

const ADMIN_TOKEN = 'warm-answers-admin-token'
const METRICS_TOKEN = 'warm-answers-metrics-token'
const bindings = { ADMIN_TOKEN, METRICS_TOKEN, LOG_LEVEL: 'info', PROXY_COUNT: '1', CONFIG_CACHE_TTL_SECONDS: '300' }

const client = await openDatabase('file::memory:', undefined)
await migrateDatabase(client, MIGRATIONS_FOLDER)
const { db } = client
let warm: RunningServer
let plain: RunningServer

beforeAll(async () => {
  warm = await startServer({ host: '127.0.0.1', port: 0, bindings, client, db })
  plain = await startServer({ host: '127.0.0.1', port: 0, bindings, client, db, warmAnswers: false })
  const imported = await fetch(new URL('/admin/import?replace=true', plain.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sample),
  })
  expect(imported.status).toBe(200)
})
afterAll(async () => {
  await Promise.all([warm?.close(), plain?.close()])
  vi.restoreAllMocks()
})

/** Sends a raw HTTP/1.1 request and returns the whole answer, with the Date header taken out. */
function exchange(server: RunningServer, head: string): Promise<string> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    socket.on('data', (chunk) => (received += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('connect', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`))
    socket.on('close', () => resolve(received.replace(/^Date: .*\r\n/m, '')))
  })
}

/** The request log lines a request wrote, with the duration (which varies) taken out. */
function logLinesOf(lines: readonly string[]): unknown[] {
  return lines
    .filter((line) => line.includes('"msg":"request"'))
    .map((line) => {
      const { duration_ms: duration, ...rest } = JSON.parse(line) as Record<string, unknown>
      expect(typeof duration).toBe('number')
      return rest
    })
}

/** Whether the server answers a request warm: the functions its listener calls, on the same cache. */
const warmLane = createWarmAnswers({ database: () => singleHandle(db) })
function answeredWarm(method: string, target: string, headers: Record<string, string>, repeated: readonly (readonly [string, string])[]): boolean {
  const silent = { ...bindings, LOG_LEVEL: 'error' }
  const lines = [...Object.entries(headers), ...repeated].map(([name, value]) => [name.toLowerCase(), value] as const)
  const first = Object.fromEntries([...lines].reverse())
  const request = warmRequestOf({ method, url: target, headers: first, rawHeaders: lines.flat(), socket: { remoteAddress: '127.0.0.1' } })
  return request !== undefined && warmLane(request, silent) !== undefined
}

const HOST = 'autoconfig.example.com'
const CASES: {
  name: string
  method?: string
  target: string
  headers?: Record<string, string>
  /** Header lines sent after `headers`, repeating a name. */
  repeated?: readonly (readonly [string, string])[]
  warm: boolean
  logged?: boolean
}[] = [
  { name: 'an address, percent-encoded', target: '/mail/config-v1.1.xml?emailaddress=a%40example.com', warm: true },
  { name: 'an address with a raw @, on the .well-known path', target: '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=b@example.net', warm: true },
  { name: 'no address: the Host names the domain', target: '/mail/config-v1.1.xml', warm: true },
  { name: 'no address, a Host with a port', target: '/mail/config-v1.1.xml', headers: { Host: 'autoconfig.example.org:8080' }, warm: true },
  { name: 'no address, an upper-case Host (the adaptor normalises it)', target: '/mail/config-v1.1.xml', headers: { Host: 'AUTOCONFIG.EXAMPLE.ORG:8080' }, warm: false },
  {
    name: 'a repeated User-Agent (the app reads every value)',
    target: '/mail/config-v1.1.xml?emailaddress=a%40example.com',
    headers: { 'User-Agent': 'curl/8' },
    repeated: [['User-Agent', 'Thunderbird/128.0']],
    warm: true,
  },
  {
    name: 'behind a proxy (PROXY_COUNT=1): the forwarded host and client',
    target: '/mail/config-v1.1.xml',
    headers: { 'X-Forwarded-For': '198.51.100.7', 'X-Forwarded-Host': 'autoconfig.example.net', 'X-Forwarded-Proto': 'https' },
    warm: true,
  },
  { name: "Evolution's request (its client family)", target: '/mail/config-v1.1.xml?emailaddress=EVOLUTIONUSER%40example.com&emailmd5=0123', warm: true },
  { name: "Delta Chat's escaped hyphen", target: '/mail/config-v1.1.xml?emailaddress=a%2Db%40example.com', headers: { 'User-Agent': 'DeltaChat/1.0' }, warm: true },
  { name: 'Thunderbird', target: '/mail/config-v1.1.xml?emailaddress=a%40EXAMPLE.com', headers: { 'User-Agent': 'Mozilla/5.0 Thunderbird/128.0' }, warm: true },
  { name: 'an unknown domain (404 by the app)', target: '/mail/config-v1.1.xml?emailaddress=a%40nowhere.example', warm: false },
  { name: 'a malformed address (400 by the app)', target: '/mail/config-v1.1.xml?emailaddress=nobody', warm: false },
  { name: 'HEAD', method: 'HEAD', target: '/mail/config-v1.1.xml?emailaddress=a%40example.com', warm: false },
  { name: 'a percent-encoded path (the app decodes it)', target: '/mail/config%2Dv1.1.xml?emailaddress=a%40example.com', warm: false },
  { name: 'a query the adaptor re-encodes', target: "/mail/config-v1.1.xml?emailaddress=o'brien%40example.com", warm: false },
  { name: 'a trailing slash (no route)', target: '/mail/config-v1.1.xml/?emailaddress=a%40example.com', warm: false },
  // Refused by the adaptor (400) before the app, so no log line from either.
  { name: 'a Host the adaptor refuses', target: '/mail/config-v1.1.xml', headers: { Host: 'a_b:99999' }, warm: false, logged: false },
  { name: 'a Host the URL parser reads as another (0X7F.1)', target: '/mail/config-v1.1.xml', headers: { Host: '0X7F.1' }, warm: false, logged: false },
]

describe('warm answers on the Node server', () => {
  it.each(CASES)('$name: the same answer and log line as the app', async ({ method = 'GET', target, headers = {}, repeated = [], warm: expectWarm, logged = true }) => {
    const all = { Host: HOST, ...headers }
    const head = [`${method} ${target} HTTP/1.1`, ...[...Object.entries(all), ...repeated].map(([name, value]) => `${name}: ${value}`)].join('\r\n')
    // The first answer fills the domain cache (through the app); then one from each server.
    await exchange(plain, head)
    expect(answeredWarm(method, target, all, repeated)).toBe(expectWarm)
    const lines = captureConsole()
    const fromWarm = await exchange(warm, head)
    const warmLog = logLinesOf(lines.splice(0))
    const fromApp = await exchange(plain, head)
    const appLog = logLinesOf(lines.splice(0))
    vi.restoreAllMocks()
    expect(fromWarm).toBe(fromApp)
    expect(fromWarm).toMatch(/^HTTP\/1\.1 \d{3} /)
    expect(warmLog).toEqual(appLog)
    expect(warmLog).toHaveLength(logged ? 1 : 0)
  })

  it('answers HTTP/1.0 without a Host as addressed to the listening host (health checks)', async () => {
    expect(await exchange(warm, 'GET /healthz HTTP/1.0')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/)
    const answer = await exchange(warm, 'GET /mail/config-v1.1.xml?emailaddress=a%40example.com HTTP/1.0')
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toBe(await exchange(plain, 'GET /mail/config-v1.1.xml?emailaddress=a%40example.com HTTP/1.0'))
  })

  it('answers the warm ones with the document (sanity of the table above)', async () => {
    const answer = await exchange(warm, `GET /mail/config-v1.1.xml?emailaddress=a%40example.com HTTP/1.1\r\nHost: ${HOST}`)
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toContain('content-type: text/xml; charset=utf-8\r\n')
    expect(answer).toContain('<hostname>imap.example.com</hostname>')
  })

  it('counts warm answers in the metrics as the app counts its own', async () => {
    const count = async (server: RunningServer) => {
      const text = await (await fetch(new URL('/metrics', server.url), { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text()
      const line = text.split('\n').find((l) => l.startsWith('mailconf_requests_total{protocol="autoconfig",outcome="ok",client_family="thunderbird"}'))
      return Number(line?.split(' ').pop() ?? 0)
    }
    const head = `GET /mail/config-v1.1.xml?emailaddress=a%40example.com HTTP/1.1\r\nHost: ${HOST}\r\nUser-Agent: Thunderbird/140.0`
    await exchange(plain, head)
    const [warmBefore, appBefore] = [await count(warm), await count(plain)]
    for (let i = 0; i < 3; i++) await Promise.all([exchange(warm, head), exchange(plain, head)])
    expect(await count(warm)).toBe(warmBefore + 3)
    expect(await count(plain)).toBe(appBefore + 3)
  })
})
