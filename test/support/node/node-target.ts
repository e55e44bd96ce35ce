/**
 * The protocol-suite target on Node: the self-hosted server (src/node/server.ts, as
 * src/node/main.ts starts it) on a random port over a `file:` libsql database in a temporary folder,
 * or over a fresh database on the test run's PostgreSQL or MariaDB server, reached through real HTTP. Requests arrive the way NGINX forwards them (docs/self-hosting/nginx-mailconf.conf):
 * to 127.0.0.1, with the client's Host, X-Forwarded-Proto and X-Forwarded-For, and PROXY_COUNT=1.
 * The servers run in the test's process (their log lines are the test's console output);
 * withSettings adds one per distinct configuration, on the same database.
 */
import type { Client } from '@libsql/client'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrateDatabase, openDatabase, type DatabaseConnection } from '../../../src/node/database'
import { startServer, type RunningServer } from '../../../src/node/server'
import type { ProtocolTarget, Settings } from '../target'
import { captureConsole } from '../capture-console'
import { createTestDatabase, type ServerDialect, type TestDatabase } from './sql-databases'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../schema/migrations', import.meta.url))
export const NODE_ADMIN_TOKEN = 'node-test-admin-token'
/** The client address the emulated proxy reports (TEST-NET-3). */
export const FORWARDED_CLIENT = '203.0.113.9'

export interface NodeTarget extends ProtocolTarget {
  /** The service's own connection (closing it breaks the database under the server). */
  readonly connection: DatabaseConnection
  readonly serverUrl: string
  /** Stops every server of this target (withSettings included) and deletes the database. */
  stop(): Promise<void>
}

/** The libsql client of a target over a libsql file (the tests that count or break its statements). */
export function libsqlClient(target: NodeTarget): Client {
  if (target.connection.dialect !== 'sqlite') throw new Error(`${target.name} has no libsql client`)
  return target.connection.client
}

const TARGET_NAMES: Record<'sqlite' | ServerDialect, string> = {
  sqlite: 'libsql file: in Node over HTTP',
  postgresql: 'PostgreSQL in Node over HTTP',
  mysql: 'MariaDB in Node over HTTP',
}

export interface NodeTargetOptions {
  /**
   * A fresh database on the run's PostgreSQL or MariaDB server instead of a libsql file, or one a
   * test prepared (createTestDatabase), which the target then drops when it stops.
   */
  readonly database?: ServerDialect | TestDatabase
}

export async function startNodeTarget(settings: Settings = {}, options: NodeTargetOptions = {}): Promise<NodeTarget> {
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-node-'))
  const server: TestDatabase | null = typeof options.database === 'string' ? await createTestDatabase(options.database) : (options.database ?? null)
  const connection = await openDatabase(server?.url ?? `file:${join(folder, 'mailconf.db')}`, undefined)
  const { db } = connection
  await migrateDatabase(connection, MIGRATIONS_FOLDER)
  const query = async (sql: string, ...args: (string | number)[]) => {
    if (server) return server.query(sql, ...args)
    if (connection.dialect !== 'sqlite') throw new Error('unreachable')
    const result = await connection.client.execute({ sql, args })
    return result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i]])))
  }
  const servers: RunningServer[] = []
  // One server per distinct configuration, all on the one database (like several processes
  // sharing a file, minus the locking: they share the client too).
  const bySettings = new Map<string, Promise<ProtocolTarget & { readonly serverUrl: string }>>()
  // As the workerd project's bindings (vitest.config.ts): test directories are on 127.0.0.1.
  const base: Settings = { ADMIN_TOKEN: NODE_ADMIN_TOKEN, LOG_LEVEL: 'warn', PROXY_COUNT: '1', LDAP_ALLOW_PRIVATE: 'true', LDAP_CIRCUIT_FAILURES: '0' }

  const shared = {
    db,
    // Through the service's own DELETE /initdb/, so the domain cache (one per database, shared by
    // every server of this target) is cleared as well.
    async reset() {
      const service = await targetFor(base)
      const response = await service.fetch('/initdb/', { method: 'DELETE', headers: { Authorization: `Bearer ${NODE_ADMIN_TOKEN}` } })
      if (response.status !== 200) throw new Error(`reset: DELETE /initdb/ answered ${response.status}: ${await response.text()}`)
    },
    query,
    captureLog: captureConsole,
  }

  async function serve(own: Settings): Promise<ProtocolTarget & { readonly serverUrl: string }> {
    const bindings = Object.fromEntries(Object.entries(own).filter((entry): entry is [string, string] => entry[1] !== undefined))
    const started = await startServer({ host: '127.0.0.1', port: 0, bindings, client: connection, db })
    servers.push(started)
    const origin = new URL(started.url)
    return {
      ...shared,
      name: TARGET_NAMES[connection.dialect],
      adminToken: bindings.ADMIN_TOKEN ?? '',
      serverUrl: started.url,
      fetch: (url, init) => forward(origin, new URL(url, 'https://autoconfig.example.com'), init),
      withSettings: (more) => targetFor({ ...own, ...more }),
    }
  }

  function targetFor(own: Settings): Promise<ProtocolTarget & { readonly serverUrl: string }> {
    const key = JSON.stringify(Object.entries(own).sort(([a], [b]) => a.localeCompare(b)))
    let started = bySettings.get(key)
    if (started === undefined) bySettings.set(key, (started = serve(own)))
    return started
  }

  const main = await targetFor({ ...base, ...settings })
  return {
    ...main,
    connection,
    async stop() {
      // Nothing is in flight any more; each close also closes the shared connection (idempotent
      // for libsql; the servers' pools are ended once, below).
      await Promise.all(servers.map((running) => running.close()))
      await server?.drop()
      rmSync(folder, { recursive: true, force: true })
    },
  }
}

/** One HTTP/1.1 request to the server, carrying what a reverse proxy would pass on. */
function forward(origin: URL, url: URL, init: RequestInit = {}): Promise<Response> {
  const body = init.body ?? undefined
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new Error('the Node target sends string and byte bodies only')
  }
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
