/** Database set-up for workerd tests that work on the D1 binding itself (not through a target). */
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'

/** Admin requests through the Worker's own fetch handler, with the test token. */
export const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` }

/** A request through the Worker's own fetch handler (relative paths go to autoconfig.example.com). */
export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, 'https://autoconfig.example.com'), init))
}

function adminRequest(method: string, body?: string): Promise<Response> {
  return exports.default.fetch(new Request('https://autoconfig.example.com/initdb/', {
    method,
    headers: body === undefined ? ADMIN : { ...ADMIN, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  }))
}

/**
 * Empties every table through `DELETE /initdb/`, as an operator would: an admin write, so the
 * Worker also clears its domain cache and no test sees entries an earlier test left behind.
 */
export async function resetDatabase(): Promise<void> {
  const response = await adminRequest('DELETE')
  if (response.status !== 200) throw new Error(`reset: DELETE /initdb/ answered ${response.status}: ${await response.text()}`)
}

/** POST /initdb/ with the test token. */
export function seed(document: unknown): Promise<Response> {
  return adminRequest('POST', JSON.stringify(document))
}
