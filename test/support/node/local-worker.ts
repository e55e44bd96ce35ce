/**
 * A real local mailconf for Node tests: the Worker from wrangler.toml, started in-process with
 * wrangler's `unstable_startWorker` on a free port, its D1 in a temporary persist directory with
 * the migrations applied (by `wrangler d1 migrations apply --local`, as `npm start` does), and a
 * test ADMIN_TOKEN. The admin rate limiter is raised past what a test file sends (wrangler.toml ships
 * 30 a minute; test/deploy/wrangler-config.node.test.ts checks that value). `stop()` disposes of the
 * runtime and deletes the directory.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { unstable_startWorker } from 'wrangler'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler')

export interface LocalWorker {
  readonly url: string
  readonly token: string
  stop(): Promise<void>
}

export async function startLocalWorker(token = 'node-test-admin-token'): Promise<LocalWorker> {
  const persist = await mkdtemp(join(tmpdir(), 'mailconf-worker-'))
  const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }
  await promisify(execFile)(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], { cwd: ROOT, env })
  const worker = await unstable_startWorker({
    config: join(ROOT, 'wrangler.toml'),
    bindings: {
      ADMIN_TOKEN: { type: 'plain_text', value: token },
      LOG_LEVEL: { type: 'plain_text', value: 'error' },
      ADMIN_RATE_LIMITER: { type: 'ratelimit', namespace_id: '1001', simple: { limit: 1_000_000, period: 60 } },
    },
    dev: { persist, server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, logLevel: 'error' },
  })
  try {
    await worker.ready
    const url = (await worker.url).toString()
    return {
      url,
      token,
      async stop() {
        await worker.dispose()
        await rm(persist, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await worker.dispose()
    await rm(persist, { recursive: true, force: true })
    throw error
  }
}
