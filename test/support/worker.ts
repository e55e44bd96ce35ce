/** Database set-up for workerd tests that work on the D1 binding itself (not through a target). */
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { DELETE_ORDER } from '../protocol/target'

export async function resetDatabase(): Promise<void> {
  await env.DB.batch(
    DELETE_ORDER.map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
  )
}

/** POST /initdb/ through the Worker's own fetch handler, with the test token. */
export async function seed(document: unknown): Promise<Response> {
  return exports.default.fetch(new Request('https://autoconfig.example.com/initdb/', {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(document),
  }))
}
