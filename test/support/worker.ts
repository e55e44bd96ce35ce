/** Requests through the Worker's own fetch handler, and database set-up for integration tests. */
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'

export const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` }

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, 'https://autoconfig.example.com'), init))
}

/**
 * Empties every table through `DELETE /initdb/`, as an operator would: an admin write, so the
 * Worker also clears its domain cache and no test sees entries an earlier test left behind.
 */
export async function resetDatabase(): Promise<void> {
  const response = await request('/initdb/', { method: 'DELETE', headers: ADMIN })
  if (response.status !== 200) throw new Error(`reset: DELETE /initdb/ answered ${response.status}: ${await response.text()}`)
}

export async function seed(document: unknown): Promise<Response> {
  return request('/initdb/', {
    method: 'POST',
    headers: { ...ADMIN, 'Content-Type': 'application/json' },
    body: JSON.stringify(document),
  })
}
