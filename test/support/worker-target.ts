/** The protocol-suite target inside workerd: the Worker's own fetch handler over the local D1. */
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { createD1Db } from '../../src/db/client'
import worker from '../../src/worker'
import type { ProtocolTarget, Settings } from './target'
import { captureConsole } from './capture-console'
import { resetDatabase } from './worker'

const BASE = 'https://autoconfig.example.com'
const db = createD1Db(env.DB)

async function query(sql: string, ...args: (string | number)[]) {
  const { results } = await env.DB.prepare(sql).bind(...args).all<Record<string, unknown>>()
  return results
}

function createWorkerTarget(settings: Settings | null): ProtocolTarget {
  return {
    name: 'D1 in workerd',
    adminToken: settings !== null && 'ADMIN_TOKEN' in settings ? (settings.ADMIN_TOKEN ?? '') : env.ADMIN_TOKEN,
    fetch(url, init) {
      const request = new Request(new URL(url, BASE), init)
      // The runtime's own entry point where it can: workerd hands a self-fetch to the Worker as
      // https whatever the URL says, so plain-http requests and other settings call the handler.
      if (settings === null && request.url.startsWith('https:')) return exports.default.fetch(request)
      return Promise.resolve(worker.fetch(request, { ...env, ...settings }))
    },
    reset: resetDatabase,
    query,
    db,
    withSettings: (more) => Promise.resolve(createWorkerTarget({ ...settings, ...more })),
    captureLog: captureConsole,
  }
}

export const workerTarget: ProtocolTarget = createWorkerTarget(null)
