import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { describeInitdb } from '../protocol/initdb.suite'
import { tableCounts } from '../protocol/target'
import { workerTarget } from '../support/worker-target'
import { ADMIN, resetDatabase } from '../support/worker'

describeInitdb(workerTarget)

// Needs other bindings than the target's; the Node entry's equivalent is in test/node/node-entry.test.ts.
describe('admin routes without ADMIN_TOKEN', () => {
  const EMPTY = { provider: 0, domain: 0, server: 0, server_domain: 0, davserver: 0, davserver_domain: 0, ldapserver: 0 }
  beforeEach(resetDatabase)

  it('answers 404 on every admin route when no ADMIN_TOKEN is configured', async () => {
    const withoutToken = { ...env, ADMIN_TOKEN: undefined }
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await worker.fetch(new Request('https://x.example/initdb/', { method, headers: ADMIN }), withoutToken)
      expect(response.status).toBe(404)
    }
    expect(await tableCounts(workerTarget)).toEqual(EMPTY)
  })
})
