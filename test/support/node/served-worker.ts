/**
 * The Worker served over real HTTP on 127.0.0.1 by wrangler's test harness (workerd, bundled as
 * for deployment), with an in-memory local D1: migrations applied, the sample data loaded through
 * POST /initdb/ with a test token. For tests that need a client outside workerd (openssl, Chromium).
 */
import { fileURLToPath } from 'node:url'
import { createTestHarness, type TestHarness } from 'wrangler'
import sample from '../../../seed/sample.json'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ADMIN_TOKEN = 'node-test-admin-token'

export interface ServedWorker {
  readonly url: URL
  /** The admin token of its /admin/ API and /initdb/. */
  readonly adminToken: string
  /** Restarts the Worker with other secrets; storage is kept. */
  setSecrets(secrets: Record<string, string>): Promise<void>
  close(): Promise<void>
}

const workerOptions = (secrets: Record<string, string>) => ({
  workers: [{ configPath: './wrangler.toml', secrets: { ADMIN_TOKEN, ...secrets }, vars: { LOG_LEVEL: 'warn' } }],
})

export async function serveWorker(secrets: Record<string, string> = {}): Promise<ServedWorker> {
  const harness: TestHarness = createTestHarness({ root: ROOT, ...workerOptions(secrets) })
  try {
    const { url } = await harness.listen()
    await harness.getWorker().applyD1Migrations('DB')
    const seeded = await fetch(new URL('/initdb/', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(sample),
    })
    if (seeded.status !== 200) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`)
    return {
      url,
      adminToken: ADMIN_TOKEN,
      setSecrets: (next) => harness.update({ root: ROOT, ...workerOptions(next) }),
      close: () => harness.close(),
    }
  } catch (error) {
    await harness.close()
    throw error
  }
}
