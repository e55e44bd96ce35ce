/**
 * The CLI's HTTP client: one admin request, answered as status + parsed body, or a failure to
 * connect; and, for `mailconf doctor`, a request to the service's public routes as a client sends it.
 */
import type { HttpAnswer } from '../src/doctor/http-checks'

export interface AdminReply {
  readonly status: number
  readonly contentType: string
  readonly text: string
}

export class Unreachable extends Error {
  override readonly name = 'Unreachable'
}

export interface PublicRequest {
  readonly method: string
  /** Path and query, as a client sends them. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

export interface AdminClient {
  request(method: string, path: string, body?: string): Promise<AdminReply>
  /**
   * What the service answers a client (no token sent, no redirect followed), and the Host it was
   * asked under: the doctor compares live answers with these.
   */
  publicRequest(request: PublicRequest): Promise<{ readonly answer: HttpAnswer; readonly host: string }>
}

export function createClient(baseUrl: string, token: string): AdminClient {
  return {
    async request(method, path, body) {
      const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
      let response: Response
      try {
        response = await fetch(url, {
          method,
          headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(body === undefined ? {} : { body }),
        })
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
        throw new Unreachable(`cannot reach ${url.origin}: ${cause}`)
      }
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() }
    },
    async publicRequest({ method, path, headers, body }) {
      const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
      let response: Response
      try {
        response = await fetch(url, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) })
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
        throw new Unreachable(`cannot reach ${url.origin}: ${cause}`)
      }
      const answer = {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        location: response.headers.get('location'),
        body: new Uint8Array(await response.arrayBuffer()),
      }
      return { answer, host: url.host }
    },
  }
}

interface ErrorBody {
  error?: unknown
  problems?: { path?: unknown; message?: unknown }[]
}

/** The service's error message, with each problem on its own line (`field: message`). */
export function describeFailure(reply: AdminReply): string {
  let parsed: ErrorBody | null = null
  if (reply.contentType.includes('json')) {
    try {
      parsed = JSON.parse(reply.text) as ErrorBody
    } catch {
      parsed = null
    }
  }
  const message = typeof parsed?.error === 'string' ? parsed.error : reply.text.trim() || 'no message'
  const problems = (parsed?.problems ?? []).map((p) => `  ${String(p.path) || '(document)'}: ${String(p.message)}`)
  const hint = reply.status === 401 ? ' (check MAILCONF_ADMIN_TOKEN)' : reply.status === 404 && message === 'not found' ? ' (is ADMIN_TOKEN set on the service? If ADMIN_HOSTNAME is, --url must use that host)' : ''
  return [`${reply.status}: ${message}${hint}`, ...problems].join('\n')
}
