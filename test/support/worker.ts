/** Requests through the Worker's own fetch handler, and database set-up for integration tests. */
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { DELETE_ORDER } from '../protocol/target'

export const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` }

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, 'https://autoconfig.example.com'), init))
}

export async function resetDatabase(): Promise<void> {
  await env.DB.batch(
    DELETE_ORDER.map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
  )
}

export async function seed(document: unknown): Promise<Response> {
  return request('/initdb/', {
    method: 'POST',
    headers: { ...ADMIN, 'Content-Type': 'application/json' },
    body: JSON.stringify(document),
  })
}
