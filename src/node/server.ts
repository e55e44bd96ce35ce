/**
 * The same Hono app as the Worker, served by @hono/node-server, with a graceful stop: stop
 * accepting, let requests in flight finish, then close the database.
 */
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server'
import { lookup } from 'node:dns/promises'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createApp } from '../app/create-app'
import type { Db } from '../db/client'
import { singleHandle } from '../db/database'
import type { Bindings } from '../app/env'
import { nodeDoctor } from './doctor/service'
import { prometheusMetrics } from './metrics'
import { DEFAULT_NETWORK, type DoctorNetwork } from './doctor/run'
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './settings'

/** Every address a host name resolves to, as the directory host policy checks them. */
const resolveHost = async (host: string) => (await lookup(host, { all: true })).map((entry) => entry.address)

/** How long a stop waits for requests in flight before cutting their connections. */
const SHUTDOWN_GRACE_MS = 10_000

export interface RunningServer {
  /** `http://host:port`, with the port actually bound (PORT=0 picks a free one). */
  readonly url: string
  /** Stops accepting, waits for requests in flight (at most SHUTDOWN_GRACE_MS), closes the database. */
  close(): Promise<void>
}

export interface ServerOptions {
  readonly host: string
  readonly port: number
  /** Timeouts and the connection cap; default DEFAULT_HTTP_LIMITS (settings.ts). */
  readonly limits?: HttpLimits
  /** Where GET /admin/doctor asks and dials (DOCTOR_* settings); default: the system's resolver, 443 and 80. */
  readonly doctor?: DoctorNetwork
  readonly bindings: Bindings
  /** Closed when the server has stopped: the libsql client, or the DatabaseConnection (database.ts). */
  readonly client: { close(): unknown }
  readonly db: Db
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // The socket's peer address, for request-facts; keyed by the Request the adaptor builds, so the
  // bindings stay the one `process.env` object rather than a copy per request.
  const peers = new WeakMap<Request, string>()
  // The doctor asks this very app what it would answer (in-process, no socket).
  const doctor = nodeDoctor(async (request) => app.fetch(request, options.bindings), options.doctor ?? DEFAULT_NETWORK)
  const database = singleHandle(options.db)
  const app = createApp({ database: () => database, peerAddress: (request) => peers.get(request) ?? null, resolveHost, doctor, metrics: prometheusMetrics() })
  const fetch = (request: Request, node: HttpBindings | Http2Bindings) => {
    const peer = node.incoming.socket.remoteAddress
    if (peer !== undefined) peers.set(request, peer)
    return app.fetch(request, options.bindings)
  }

  const server = await new Promise<Server>((resolve, reject) => {
    const limits = options.limits ?? DEFAULT_HTTP_LIMITS
    const serverOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node enforces the two timeouts above only when it checks (every 30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    }
    // Without a `createServer` option, serve() makes a node:http Server.
    const started = serve({ fetch, hostname: options.host, port: options.port, serverOptions }, () => resolve(started as Server))
    started.maxConnections = limits.maxConnections
    started.once('error', reject)
  })
  const { address, port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      const cutOff = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
      // close() ends idle keep-alive connections once; a connection whose request finishes later
      // would stay open until its keep-alive timeout, so idle ones are swept until all are gone.
      const sweep = setInterval(() => server.closeIdleConnections(), 50)
      server.close(() => {
        clearTimeout(cutOff)
        clearInterval(sweep)
        void options.client.close()
        resolve()
      })
    }))
  return { url: `http://${host}:${port}`, close }
}
