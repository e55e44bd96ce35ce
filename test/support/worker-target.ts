/** The protocol-suite target inside workerd: the Worker's own fetch handler over the local D1. */
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { createD1Db } from '../../src/db/client'
import type { ProtocolTarget } from '../protocol/target'
import { resetDatabase } from './worker'

export const workerTarget: ProtocolTarget = {
  name: 'D1 in workerd',
  adminToken: env.ADMIN_TOKEN,
  fetch: (url, init) => exports.default.fetch(new Request(new URL(url, 'https://autoconfig.example.com'), init)),
  reset: resetDatabase,
  async query(sql, ...args) {
    const { results } = await env.DB.prepare(sql).bind(...args).all<Record<string, unknown>>()
    return results
  },
  db: createD1Db(env.DB),
}
