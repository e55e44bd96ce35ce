/**
 * The protocol-suite target on Node: the self-hosted server (src/self-hosted/server.ts, as
 * src/node.ts starts it) on a random port over a `file:` libsql database in a temporary folder,
 * reached through real HTTP. Requests arrive the way NGINX forwards them (docs/self-hosting/nginx-mailconf.conf):
 * to 127.0.0.1, with the client's Host, X-Forwarded-Proto and X-Forwarded-For, and PROXY_COUNT=1.
 */
import type { Client } from '@libsql/client'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrateDatabase, openDatabase } from '../../../src/self-hosted/database'
import { startServer } from '../../../src/self-hosted/server'
import type { ProtocolTarget } from '../../protocol/target'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../schema/migrations', import.meta.url))
export const NODE_ADMIN_TOKEN = 'node-test-admin-token'
/** The client address the emulated proxy reports (TEST-NET-3). */
export const FORWARDED_CLIENT = '203.0.113.9'

export interface NodeTarget extends ProtocolTarget {
  readonly client: Client
  readonly serverUrl: string
  stop(): Promise<void>
}

export async function startNodeTarget(bindings: Record<string, string> = {}): Promise<NodeTarget> {
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-node-'))
  const { client, db } = openDatabase(`file:${join(folder, 'mailconf.db')}`, undefined)
  await migrateDatabase(client, MIGRATIONS_FOLDER)
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    bindings: { ADMIN_TOKEN: NODE_ADMIN_TOKEN, LOG_LEVEL: 'warn', PROXY_COUNT: '1', ...bindings },
    client,
    db,
  })
  const origin = new URL(server.url)

  return {
    name: 'libsql file: in Node over HTTP',
    adminToken: NODE_ADMIN_TOKEN,
    client,
    serverUrl: server.url,
    db,
    fetch: (url, init) => forward(origin, new URL(url, 'https://autoconfig.example.com'), init),
    // Through the server's own DELETE /initdb/, so its domain cache is cleared as well.
    async reset() {
      const response = await forward(origin, new URL('/initdb/', 'https://autoconfig.example.com'), {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${NODE_ADMIN_TOKEN}` },
      })
      if (response.status !== 200) throw new Error(`reset: DELETE /initdb/ answered ${response.status}: ${await response.text()}`)
    },
    async query(sql, ...args) {
      const result = await client.execute({ sql, args })
      return result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i]])))
    },
    async stop() {
      await server.close()
      rmSync(folder, { recursive: true, force: true })
    },
  }
}

/** One HTTP/1.1 request to the server, carrying what a reverse proxy would pass on. */
function forward(origin: URL, url: URL, init: RequestInit = {}): Promise<Response> {
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
    throw new Error('the Node target sends string bodies only')
  }
  const body = init.body ?? undefined
  const headers: Record<string, string> = {
    ...Object.fromEntries(new Headers(init.headers).entries()),
    host: url.host,
    'x-forwarded-proto': url.protocol.slice(0, -1),
    'x-forwarded-for': FORWARDED_CLIENT,
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      // One connection per request (agent: false), as separate clients would open.
      { host: origin.hostname, port: origin.port, method: init.method ?? 'GET', path: url.pathname + url.search, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const responseHeaders = new Headers()
          for (const [name, value] of Object.entries(res.headers)) {
            for (const item of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, item)
          }
          const status = res.statusCode ?? 0
          const noBody = status === 204 || status === 304 || init.method === 'HEAD'
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }))
        })
      },
    )
    req.on('error', reject)
    // A server may answer before reading the whole body (413) and close: the rest of the upload
    // then fails with EPIPE on the socket, which is no failure of the request.
    req.on('socket', (socket) => socket.on('error', reject))
    req.end(body)
  })
}
