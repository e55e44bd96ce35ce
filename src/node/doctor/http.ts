/**
 * One HTTP(S) request as a client sends it: to the address the name resolves to, with the name in
 * Host and SNI, the certificate verified (a client refuses what this refuses), no redirect
 * followed (the report says where it points), the body capped.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Fetched } from '../../doctor/http-checks'
import type { Probe } from '../../doctor/plan'

/** More than any document this service writes; a larger answer is not one of them. */
export const MAX_ANSWER_BYTES = 1024 * 1024

export interface FetchOptions {
  readonly address: string
  readonly port: number
  readonly ca: readonly string[] | undefined
  readonly timeoutMs: number
}

/** Errors that mean the certificate was refused (or the handshake failed), not the connection. */
const isTlsFailure = (error: Error & { code?: string }) =>
  /CERT|SSL|TLS|UNABLE_TO_|SELF_SIGNED|HOSTNAME|ALTNAME/.test(error.code ?? '') || /certificate|handshake/i.test(error.message)

/** The Host a client sends: the name, with the port when it is not the scheme's default. */
export const hostHeader = (probe: Probe, port: number) => (port === (probe.scheme === 'https' ? 443 : 80) ? probe.host : `${probe.host}:${port}`)

export function fetchLive(probe: Probe, options: FetchOptions): Promise<Fetched> {
  const { request: spec } = probe
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8')
  const headers: Record<string, string> = { ...spec.headers, Host: hostHeader(probe, options.port), Accept: '*/*', Connection: 'close' }
  if (body !== undefined) headers['Content-Length'] = String(body.length)
  const common = { host: options.address, port: options.port, method: spec.method, path: spec.path, headers, agent: false as const, timeout: options.timeoutMs }
  return new Promise((resolve) => {
    let settled = false
    const settle = (fetched: Fetched) => {
      if (settled) return
      settled = true
      resolve(fetched)
    }
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_ANSWER_BYTES) {
          settle({ kind: 'failed', message: `the answer is larger than ${MAX_ANSWER_BYTES} bytes`, tls: false })
          request.destroy()
          return
        }
        chunks.push(chunk)
      })
      response.on('error', (error) => settle({ kind: 'failed', message: error.message, tls: false }))
      response.on('end', () => {
        const location = response.headers.location
        settle({
          kind: 'answered',
          answer: { status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', location: location ?? null, body: new Uint8Array(Buffer.concat(chunks)) },
        })
      })
    }
    const request =
      probe.scheme === 'https'
        ? httpsRequest({ ...common, servername: probe.host, ...(options.ca === undefined ? {} : { ca: [...options.ca] }), rejectUnauthorized: true }, onResponse)
        : httpRequest(common, onResponse)
    request.on('timeout', () => {
      settle({ kind: 'failed', message: `no answer within ${options.timeoutMs} ms`, tls: false })
      request.destroy()
    })
    request.on('error', (error: Error & { code?: string }) => settle({ kind: 'failed', message: `${error.code ?? 'error'}: ${error.message}`, tls: probe.scheme === 'https' && isTlsFailure(error) }))
    request.end(body)
  })
}
