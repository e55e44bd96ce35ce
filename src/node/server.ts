/**
 * The same Hono app as the Worker, served by @hono/node-server, with a graceful stop: stop
 * accepting, let requests in flight finish, then close the database. Requests the warm domain cache
 * answers alone are answered before the adaptor (app/warm-answers.ts).
 */
import { getRequestListener, type Http2Bindings, type HttpBindings } from '@hono/node-server'
import { lookup } from 'node:dns/promises'
import type { AddressInfo } from 'node:net'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createApp, type AppOptions } from '../app/create-app'
import type { Bindings as AppBindings } from '../app/env'
import { createWarmAnswers, type IncomingRequest, type WarmAnswer } from '../app/warm-answers'
import type { Db } from '../db/client'
import { singleHandle } from '../db/database'
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
  readonly bindings: AppBindings
  /** Closed when the server has stopped: the libsql client, or the DatabaseConnection (database.ts). */
  readonly client: { close(): unknown }
  readonly db: Db
  /**
   * Whether requests the warm domain cache answers alone skip the app (app/warm-answers.ts);
   * default true. Off, every request goes through the app: tests compare the two.
   */
  readonly warmAnswers?: boolean
}

// A Host and a request target that @hono/node-server turns into the URL `http://<host><target>`
// without changing what the app reads of it (the host is parsed again by request-facts.ts; the
// query is read raw): no percent-encoding of its own (space, quotes, `#`, `<`, `>`, non-ASCII) and
// nothing its checks refuse. Anything else goes to the adaptor, which normalises or refuses it.
// The host in lower case, as the adaptor's own check wants it: otherwise it compares the URL
// parser's host name with the header and refuses some (`0X7F.1`) that the parser accepts.
const PLAIN_HOST = /^[a-z0-9._-]{1,253}(?::\d{1,5})?$/
const PLAIN_TARGET = /^\/[A-Za-z0-9._~/-]*(?:\?[!$%&(-;=?-~]*)?$/

/** What of a node:http request the warm answers read. */
export type NodeRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'rawHeaders'> & { readonly socket: { readonly remoteAddress?: string | undefined } }

/**
 * Every value of a header, joined with ", " as the adaptor's Request joins them (node's `headers`
 * keeps only the first of a repeated User-Agent, say). Read from the raw list: `headersDistinct`
 * would build an object of arrays for every request.
 */
function joinedHeader(raw: readonly string[], name: string): string | undefined {
  let joined: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const field = raw[i] ?? ''
    if (field.length !== name.length || field.toLowerCase() !== name) continue
    const value = raw[i + 1] ?? ''
    joined = joined === undefined ? value : `${joined}, ${value}`
  }
  return joined
}

/** A node:http request as app/warm-answers.ts reads it, or undefined when only the adaptor may read it. */
export function warmRequestOf(incoming: NodeRequest): IncomingRequest | undefined {
  const { headers, rawHeaders, url: target } = incoming
  const host = headers.host
  if (host === undefined || target === undefined || !PLAIN_HOST.test(host) || !PLAIN_TARGET.test(target)) return undefined
  return {
    method: incoming.method ?? '',
    url: `http://${host}${target}`,
    header: (name) => joinedHeader(rawHeaders, name),
    peer: incoming.socket.remoteAddress ?? null,
  }
}

// The UTF-8 bytes of each cached document, encoded once: they live and go with its cache entry.
const encodedBodies = new WeakMap<object, Buffer>()

function encodeBody(answer: WarmAnswer): Buffer {
  const body = Buffer.from(answer.body)
  encodedBodies.set(answer.document, body)
  return body
}

/** Writes a warm answer as the adaptor writes the app's: the same header names, order and Content-Length. */
function writeAnswer(outgoing: ServerResponse, answer: WarmAnswer): void {
  const body = encodedBodies.get(answer.document) ?? encodeBody(answer)
  // A Web Response's headers iterate sorted by name; the adaptor writes them so.
  const head: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(answer.headers).sort(([a], [b]) => (a < b ? -1 : 1))) head[name] = value
  head['Content-Length'] = body.length
  outgoing.writeHead(answer.status, head)
  outgoing.end(body)
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // The socket's peer address, for request-facts; keyed by the Request the adaptor builds, so the
  // bindings stay the one `process.env` object rather than a copy per request.
  const peers = new WeakMap<Request, string>()
  // The doctor asks this very app what it would answer (in-process, no socket).
  const doctor = nodeDoctor(async (request) => app.fetch(request, options.bindings), options.doctor ?? DEFAULT_NETWORK)
  const database = singleHandle(options.db)
  const appOptions: AppOptions = { database: () => database, peerAddress: (request) => peers.get(request) ?? null, resolveHost, doctor, metrics: prometheusMetrics() }
  const app = createApp(appOptions)
  const warm = options.warmAnswers === false ? null : createWarmAnswers({ database: () => database, metrics: appOptions.metrics })
  const fetch = (request: Request, node: HttpBindings | Http2Bindings) => {
    const peer = node.incoming.socket.remoteAddress
    if (peer !== undefined) peers.set(request, peer)
    return app.fetch(request, options.bindings)
  }
  // A request without a Host (HTTP/1.0, a load balancer's health check) is read as addressed to
  // the listening host, as serve() set it up.
  const appListener = getRequestListener(fetch, { hostname: options.host })
  const warmAnswerOf = (incoming: IncomingMessage): WarmAnswer | undefined => {
    if (warm === null) return undefined
    const request = warmRequestOf(incoming)
    if (request === undefined) return undefined
    try {
      return warm(request, options.bindings)
    } catch {
      // Whatever failed (a renderer, say) fails again in the app, which answers and logs it; thrown
      // here, it would end the process.
      return undefined
    }
  }
  const listener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const answer = warmAnswerOf(incoming)
    if (answer === undefined) return appListener(incoming, outgoing)
    writeAnswer(outgoing, answer)
  }

  const limits = options.limits ?? DEFAULT_HTTP_LIMITS
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node enforces the two timeouts above only when it checks (every 30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    },
    listener,
  )
  server.maxConnections = limits.maxConnections
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
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
