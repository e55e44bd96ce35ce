/** The `mailconf` CLI, run as a child process against a real local Worker (support/local-worker.ts). */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ROOT, startLocalWorker, type LocalWorker } from '../support/node/local-worker'

let worker: LocalWorker
let scratch: string

beforeAll(async () => {
  worker = await startLocalWorker()
  scratch = await mkdtemp(join(tmpdir(), 'mailconf-cli-'))
}, 60_000)
afterAll(async () => {
  await worker?.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

// Each test starts from an empty database.
beforeEach(async () => {
  const response = await fetch(new URL('initdb/', worker.url), { method: 'DELETE', headers: { Authorization: `Bearer ${worker.token}` } })
  expect(response.status).toBe(200)
})

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function mailconf(args: string[], options: { token?: string | null; url?: string } = {}): Promise<Run> {
  const token = options.token === undefined ? worker.token : options.token
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, NO_COLOR: '1' }
  if (token !== null) env.MAILCONF_ADMIN_TOKEN = token
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/mailconf.mjs'), '--url', options.url ?? worker.url, ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const SAMPLE = join(ROOT, 'seed/sample.json')

/** Set-up through the API directly (faster than a CLI run); the CLI's own seed command has its test. */
async function seedSample(): Promise<void> {
  const response = await fetch(new URL('initdb/', worker.url), { method: 'POST', headers: { Authorization: `Bearer ${worker.token}` }, body: await readFile(SAMPLE, 'utf8') })
  expect(response.status).toBe(200)
}

describe('mailconf CLI', () => {
  it('seeds a file, then refuses to seed over existing data with exit code 1', async () => {
    const first = await mailconf(['seed', SAMPLE])
    expect(first).toMatchObject({ code: 0, stdout: 'loaded 1 providers, 3 domains, 4 servers, 2 davservers, 0 ldapservers\n' })
    const second = await mailconf(['seed', SAMPLE])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('409: the database already holds 1 provider(s)')
  })

  it('lists, adds and removes domains', async () => {
    await seedSample()
    const added = await mailconf(['domains', 'add', 'Bücher.example'])
    expect(added).toMatchObject({ code: 0, stdout: 'added xn--bcher-kva.example (id 4, provider 1)\n' })
    const listed = await mailconf(['domains', 'list'])
    expect(listed.stdout.trim().split('\n')).toEqual([
      'example.com\tExample Inc.', 'example.net\tExample Inc.', 'example.org\tExample Inc.', 'xn--bcher-kva.example\tExample Inc.',
    ])
    expect(await mailconf(['domains', 'rm', 'example.net'])).toMatchObject({ code: 0, stdout: 'deleted example.net\n' })
    expect((await mailconf(['domains', 'list'])).stdout).not.toContain('example.net')
  })

  it.each([
    [['domains', 'add', 'example.com'], 1, '409: the domain example.com already exists'],
    [['domains', 'add', 'not a domain'], 1, "name: 'not a domain' is not a valid domain name"],
    [['domains', 'add', 'new.example', '--provider', '9'], 1, 'provider_id: no provider 9'],
    [['domains', 'add', 'new.example', '--provider', 'first'], 2, '--provider must be an id'],
    [['domains', 'rm', 'unknown.example'], 1, '404: no domain unknown.example'],
    [['domains', 'move', 'example.com'], 2, "unknown domains action 'move'"],
    [['dns', 'unknown.example'], 1, '404: no mail configuration for unknown.example'],
    [['frobnicate'], 2, "unknown command 'frobnicate'"],
    [['seed'], 2, 'missing FILE'],
    [['import', '/nonexistent/file.json'], 2, 'cannot read /nonexistent/file.json'],
    [['export', '--bogus'], 2, "Unknown option '--bogus'"],
  ])('mailconf %j exits %i with a clear message', async (args, code, message) => {
    await seedSample()
    const run = await mailconf(args)
    expect(run.code).toBe(code)
    expect(run.stderr).toContain(message)
  })

  it('asks for a provider when there are several', async () => {
    await seedSample()
    await fetch(new URL('admin/providers', worker.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${worker.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Second Mail' }),
    })
    const run = await mailconf(['domains', 'add', 'new.example'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('there are 2 providers; choose one with --provider ID (1 Example Inc., 2 Second Mail)')
    expect((await mailconf(['domains', 'add', 'new.example', '--provider', '2'])).stdout).toContain('provider 2')
  })

  it('prints the DNS records as a zone file, or JSON with --json', async () => {
    await seedSample()
    const zone = await mailconf(['dns', 'example.com'])
    expect(zone.code).toBe(0)
    expect(zone.stdout).toContain('_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.')
    const json = await mailconf(['dns', 'example.com', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ domain: 'example.com' })
  })

  it('exports to a file and imports it back, refusing a non-empty database without --replace', async () => {
    await seedSample()
    await mailconf(['domains', 'rm', 'example.net'])
    const file = join(scratch, 'export.json')
    expect((await mailconf(['export', '-o', file])).code).toBe(0)
    const exported = await readFile(file, 'utf8')
    expect(JSON.parse(exported)).toMatchObject({ version: 2, providers: [{ id: 1, provider: 'Example Inc.' }] })

    const refused = await mailconf(['import', file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('409: the database is not empty')

    await mailconf(['domains', 'add', 'later.example'])
    expect(await mailconf(['import', file, '--replace'])).toMatchObject({ code: 0, stdout: 'replaced everything with 1 providers, 2 domains, 4 servers, 2 davservers, 0 ldapservers\n' })
    const again = await mailconf(['export'])
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(exported))
  })

  it('reports each problem of an invalid import with its field path, writing nothing', async () => {
    const file = join(scratch, 'invalid.json')
    await writeFile(file, JSON.stringify({ version: 2, provider: 'X', domains: ['x.example'], servers: [{ type: 'imap', name: 'i.example', port: 0 }] }))
    const run = await mailconf(['import', file])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('400: invalid seed document\n  servers[0].port: must be from 1 to 65535')
    expect((await mailconf(['domains', 'list'])).stdout).toBe('')
  })

  it('exits 2 without MAILCONF_ADMIN_TOKEN and 1 with a wrong one', async () => {
    const missing = await mailconf(['domains', 'list'], { token: null })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('set MAILCONF_ADMIN_TOKEN')
    const wrong = await mailconf(['domains', 'list'], { token: 'wrong' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('401: missing or wrong admin token')
  })

  it('exits 3 when the service cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
      })
    })
    const run = await mailconf(['domains', 'list'], { url: `http://127.0.0.1:${port}` })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain(`cannot reach http://127.0.0.1:${port}`)
  })
})
