/**
 * The Worker built from src/worker-hyperdrive.ts over PostgreSQL and MariaDB in workerd, through local Hyperdrive bindings (miniflare's
 * `hyperdrives`, vitest.config.ts) to the run's test servers: the drivers' sockets as workerd makes
 * them, a client per request, the whole seed-and-serve path, and the domain cache kept per binding.
 * The same code in Node, with failures: test/db/hyperdrive.node.test.ts.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import worker from '../../src/worker-hyperdrive'
import { ADMIN } from '../support/worker'

const AUTOCONFIG = 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.net'

describe.each([
  ['PostgreSQL', env.HYPERDRIVE_POSTGRES],
  ['MariaDB', env.HYPERDRIVE_MYSQL],
] as const)('the Worker over %s through HYPERDRIVE', (_name, binding) => {
  it('is bound (sql-global-setup.ts names the databases before the pool starts)', () => {
    // Fails, rather than skips, when the pool started without them: nothing else would say so.
    expect(binding?.connectionString).toMatch(/^(postgres|postgresql|mysql):\/\//)
  })

  // Slow locally: each request's client connects (and authenticates) anew through miniflare's proxy, which
  // pools nothing; deployed Hyperdrive keeps the connections to the database open.
  it('seeds through /initdb/, serves Autoconfig, and answers from the cache on the next request', { timeout: 60_000 }, async () => {
    if (!binding) throw new Error('no binding')
    const bindings = { ...env, DB: undefined, HYPERDRIVE: binding }
    const send = (url: string, init?: RequestInit) => worker.fetch(new Request(url, init), bindings)
    expect((await send('https://autoconfig.example.com/initdb/', { method: 'DELETE', headers: ADMIN })).status).toBe(200)
    expect((await send('https://autoconfig.example.com/initdb/', { method: 'POST', headers: { ...ADMIN, 'Content-Type': 'application/json' }, body: JSON.stringify(sample) })).status).toBe(200)
    const first = await send(AUTOCONFIG)
    expect(first.status).toBe(200)
    const body = await first.text()
    expect(body).toContain('<hostname>imap.example.com</hostname>')
    expect(await (await send(AUTOCONFIG)).text()).toBe(body)
    const exported = await send('https://autoconfig.example.com/admin/export', { headers: ADMIN })
    expect(exported.status).toBe(200)
    expect(((await exported.json()) as { providers: unknown[] }).providers).toHaveLength(1)
  })
})

