/** Admin API calls through the Worker, with the test token, answering status and parsed JSON. */
import { env } from 'cloudflare:test'
import { ADMIN, request } from './worker'

export interface AdminResponse {
  readonly status: number
  // Tests read fields of whatever came back; the routes' own types are checked by tsc in src/.
  readonly body: Record<string, unknown> & { error?: string; problems?: { path: string; message: string }[] }
}

export async function admin(method: string, path: string, body?: unknown): Promise<AdminResponse> {
  const response = await request(path, {
    method,
    headers: { ...ADMIN, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as AdminResponse['body']) }
}

/** Every table's rows in id order (link tables by their key), for before/after comparisons. */
export async function tableContents(): Promise<Record<string, unknown[]>> {
  const queries: Record<string, string> = {
    provider: 'SELECT * FROM provider ORDER BY id',
    domain: 'SELECT * FROM domain ORDER BY id',
    server: 'SELECT * FROM server ORDER BY id',
    server_domain: 'SELECT * FROM server_domain ORDER BY server_id, domain_id',
    davserver: 'SELECT * FROM davserver ORDER BY id',
    davserver_domain: 'SELECT * FROM davserver_domain ORDER BY davserver_id, domain_id',
    ldapserver: 'SELECT * FROM ldapserver ORDER BY id',
    activesync: 'SELECT * FROM activesync ORDER BY id',
  }
  const names = Object.keys(queries)
  const results = await env.DB.batch(names.map((name) => env.DB.prepare(queries[name] ?? '')))
  return Object.fromEntries(names.map((name, i) => [name, results[i]?.results ?? []]))
}
