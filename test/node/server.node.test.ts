/**
 * The Node server's guards against slow and idle clients (issue 14, finding 6): headers and whole
 * requests must arrive in time, and the number of open connections is capped.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { openDatabase, migrateDatabase } from '../../src/node/database'
import { startServer, type RunningServer } from '../../src/node/server'
import { readSettings } from '../../src/node/settings'
import { MIGRATIONS_FOLDER } from '../support/node/node-target'
import { captureConsole } from '../support/capture-console'

const client = await openDatabase('file::memory:', undefined)
const { db } = client
await migrateDatabase(client, MIGRATIONS_FOLDER)
const servers: RunningServer[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

async function serverWith(limits: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number }) {
  const server = await startServer({ host: '127.0.0.1', port: 0, bindings: { LOG_LEVEL: 'info' }, client, db, limits })
  servers.push(server)
  return new URL(server.url)
}

/** Opens a connection, writes `text`, and reports when (and with what) the server ends it. */
function slowClient(url: URL, text: string): { socket: Socket; ended: Promise<{ ms: number; received: string }> } {
  const started = Date.now()
  const socket = connect(Number(url.port), url.hostname)
  let received = ''
  socket.on('data', (chunk) => (received += chunk.toString()))
  socket.on('error', () => undefined)
  socket.on('connect', () => socket.write(text))
  const ended = new Promise<{ ms: number; received: string }>((resolve) => socket.on('close', () => resolve({ ms: Date.now() - started, received })))
  return { socket, ended }
}

describe('the Node server and slow clients', () => {
  it('closes a connection whose headers do not arrive within HTTP_HEADERS_TIMEOUT_MS', async () => {
    const url = await serverWith({ headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 1_000, maxConnections: 100 })
    const { ended } = slowClient(url, 'GET /healthz HTTP/1.1\r\nHost: x.example\r\n')
    const { ms } = await ended
    expect(ms).toBeLessThan(2_000)
  })

  it('answers 408 to a body that does not arrive within HTTP_REQUEST_TIMEOUT_MS, without an error in the log', async () => {
    const url = await serverWith({ headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 1_000, maxConnections: 100 })
    const lines = captureConsole()
    const { ended } = slowClient(url, 'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x.example\r\nContent-Length: 1000\r\n\r\n<Autodiscover>')
    const { ms, received } = await ended
    expect(ms).toBeLessThan(2_500)
    expect(received).toMatch(/^HTTP\/1\.1 408/)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([])
    vi.restoreAllMocks()
  })

  it('refuses connections past HTTP_MAX_CONNECTIONS and serves again once they are gone', async () => {
    const url = await serverWith({ headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, maxConnections: 3 })
    const held = Array.from({ length: 3 }, () => slowClient(url, 'GET /healthz HTTP/1.1\r\n'))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const extra = slowClient(url, 'GET /healthz HTTP/1.1\r\nHost: x.example\r\nConnection: close\r\n\r\n')
    const { received } = await extra.ended
    expect(received).toBe('')
    for (const { socket } of held) socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const response = await fetch(new URL('/healthz', url))
    expect(response.status).toBe(200)
  })
})

describe('HTTP limits from the environment', () => {
  it('reads them, and names a bad one', () => {
    const settings = readSettings({ HTTP_MAX_CONNECTIONS: '64', HTTP_REQUEST_TIMEOUT_MS: '5000' }, [])
    expect(settings.ok && settings.value.limits).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 5_000, keepAliveTimeoutMs: 5_000, maxConnections: 64 })
    expect(readSettings({ HTTP_HEADERS_TIMEOUT_MS: 'soon' }, [])).toEqual({
      ok: false,
      error: { kind: 'invalid', message: 'HTTP_HEADERS_TIMEOUT_MS must be a whole number from 100 to 600000, got "soon"' },
    })
  })
})
