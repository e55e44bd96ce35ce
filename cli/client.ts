/** The CLI's HTTP client: one admin request, answered as status + parsed body, or a failure to connect. */

export interface AdminReply {
  readonly status: number
  readonly contentType: string
  readonly text: string
}

export class Unreachable extends Error {
  override readonly name = 'Unreachable'
}

export interface AdminClient {
  request(method: string, path: string, body?: string): Promise<AdminReply>
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
