/**
 * A reverse proxy in front of a mailconf server for the doctor's tests, doing what NGINX does in
 * docs/self-hosting/nginx-mailconf.conf: https (certificates chosen by SNI, from a test CA) and
 * plain http on 127.0.0.1, every request passed on with Host, X-Forwarded-Host, X-Forwarded-Proto
 * and X-Forwarded-For set (the service runs with PROXY_COUNT=1). A name without a certificate of
 * its own gets the default one, as a server without a certificate for that name would send.
 * `stale` answers chosen requests itself: another server or an old deployment.
 */
import { createServer as createHttpServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createSecureContext, type SecureContext } from 'node:tls'

export interface CertificatePair {
  readonly cert: string
  readonly key: string
}

export interface StaleAnswer {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

export interface TlsFront {
  readonly httpsPort: number
  readonly httpPort: number
  /** Serves `pair` for each of `names` from now on. */
  addCertificate(names: readonly string[], pair: CertificatePair): void
  /** Requests this answers itself instead of passing them on (null: pass everything on). */
  stale: ((host: string, path: string) => StaleAnswer | null) | null
  close(): Promise<void>
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

export async function startTlsFront(backend: string, defaultPair: CertificatePair): Promise<TlsFront> {
  const origin = new URL(backend)
  const contexts = new Map<string, SecureContext>()
  const defaultContext = createSecureContext(defaultPair)

  const front: TlsFront = {
    httpsPort: 0,
    httpPort: 0,
    addCertificate(names, pair) {
      const context = createSecureContext(pair)
      for (const name of names) contexts.set(name, context)
    },
    stale: null,
    close: async () => {
      for (const server of [https, http]) {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    },
  }

  const pass = (scheme: 'http' | 'https') => (incoming: IncomingMessage, outgoing: ServerResponse) => {
    // NGINX's $host: the Host header without its port.
    const host = (incoming.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
    const stale = front.stale?.(host, incoming.url ?? '/')
    if (stale) {
      incoming.resume()
      outgoing.writeHead(stale.status, { 'Content-Type': stale.contentType }).end(stale.body)
      return
    }
    const headers = { ...incoming.headers, host, 'x-forwarded-host': host, 'x-forwarded-proto': scheme, 'x-forwarded-for': incoming.socket.remoteAddress ?? '127.0.0.1' }
    const upstream = request({ host: origin.hostname, port: origin.port, method: incoming.method, path: incoming.url, headers, agent: false }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
    })
    upstream.on('error', () => outgoing.writeHead(502).end('bad gateway'))
    incoming.pipe(upstream)
  }

  const https = createHttpsServer(
    {
      ...defaultPair,
      SNICallback: (servername, done) => done(null, contexts.get(servername.toLowerCase()) ?? defaultContext),
    },
    pass('https'),
  )
  const http = createHttpServer(pass('http'))
  const [httpsPort, httpPort] = await Promise.all([listen(https), listen(http)])
  return Object.assign(front, { httpsPort, httpPort })
}
