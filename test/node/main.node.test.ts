/**
 * The production Node entry as an operator runs it: `npm run build:node`, then `node dist/node.mjs`
 * in a folder of its own, on a random port. Startup from nothing, settings errors, and the
 * graceful stop (a request in flight when SIGTERM arrives still completes).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestCa } from '../support/node/test-ca'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BUNDLE = join(ROOT, 'dist/node.mjs')
const CONFIG = '/mail/config-v1.1.xml?emailaddress=alice%40example.com'
const folders: string[] = []
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const running: ChildProcess[] = []

interface Started {
  readonly child: ChildProcess
  readonly url: string
  readonly lines: Record<string, unknown>[]
  /** What the server wrote to stderr so far (warnings and errors go there). */
  stderr(): string
  exited(): Promise<number | null>
}

/** Only what the server is meant to read: no LIBSQL_URL, ADMIN_TOKEN, … leaking in from the host. */
const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info' as const })

function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-entry-'))
  folders.push(folder)
  return folder
}

function start(cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [BUNDLE, ...args], { cwd, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  const lines: Record<string, unknown>[] = []
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    let buffered = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const complete = buffered.split('\n')
      buffered = complete.pop() ?? ''
      for (const text of complete) {
        const line = JSON.parse(text) as Record<string, unknown>
        lines.push(line)
        if (line.msg === 'listening') resolve({ child, url: String(line.url), lines, stderr: () => stderr, exited: () => exit })
      }
    })
    void exit.then((code) => reject(new Error(`the server exited with ${code} before listening: ${stderr}`)))
  })
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BUNDLE, ...args], { cwd: freshFolder(), env: { ...baseEnv(), ...env }, encoding: 'utf8', timeout: 10_000 })
}

beforeAll(() => {
  const build = spawnSync('npm', ['run', '--silent', 'build:node'], { cwd: ROOT, encoding: 'utf8' })
  expect(build.status, build.stderr).toBe(0)
  expect(existsSync(BUNDLE)).toBe(true)
})

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe('node dist/node.mjs', () => {
  it('starts from nothing: creates data/mailconf.db, migrates, loads the sample only when asked', async () => {
    const cwd = freshFolder()
    const first = await start(cwd, ['--seed-sample'])
    expect(existsSync(join(cwd, 'data/mailconf.db'))).toBe(true)
    expect(first.lines).toContainEqual(expect.objectContaining({ msg: 'listening', database: 'file:./data/mailconf.db' }))
    expect((await fetch(first.url + CONFIG)).status).toBe(200)
    first.child.kill('SIGTERM')
    expect(await first.exited()).toBe(0)

    // A second start over the same file: migrations already applied, data kept, not reloaded.
    const second = await start(cwd)
    expect(second.lines.some((l) => String(l.msg).includes('seed'))).toBe(false)
    const response = await fetch(second.url + CONFIG)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<emailProvider id="example.com">')
  })

  it('serves an empty database without --seed-sample, and has no admin routes without ADMIN_TOKEN', async () => {
    const server = await start(freshFolder())
    expect((await fetch(server.url + CONFIG)).status).toBe(404)
    expect((await fetch(`${server.url}/initdb/`, { headers: { Authorization: 'Bearer x' } })).status).toBe(404)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('logs the client from X-Forwarded-For only with PROXY_COUNT', async () => {
    const server = await start(freshFolder(), [], { PROXY_COUNT: '1' })
    await fetch(`${server.url}/healthz`, { headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.5' } })
    const direct = await start(freshFolder())
    await fetch(`${direct.url}/healthz`, { headers: { 'X-Forwarded-For': '203.0.113.5' } })
    await sleep(100)
    expect(server.lines).toContainEqual(expect.objectContaining({ msg: 'request', client: '203.0.113.5' }))
    expect(direct.lines).toContainEqual(expect.objectContaining({ msg: 'request', client: '127.0.0.1' }))
  })

  it('finishes a request in flight after SIGTERM, refuses new ones, closes and exits 0', async () => {
    const server = await start(freshFolder(), [], { ADMIN_TOKEN: 'entry-token-1c9f70a2' })
    const document = Buffer.from(JSON.stringify({ provider: 'Slow Mail', domains: ['slow.example'], servers: [] }))
    const headers = { Authorization: 'Bearer entry-token-1c9f70a2', 'Content-Type': 'application/json', 'Content-Length': String(document.length) }
    const req = request({ host: '127.0.0.1', port: new URL(server.url).port, method: 'POST', path: '/initdb/', headers })
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
    })
    // Half the body before the signal, the rest after: the request is in flight when it arrives.
    req.write(document.subarray(0, 10))
    await sleep(300)
    server.child.kill('SIGTERM')
    await sleep(300)
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
    req.end(document.subarray(10))

    const { status, body } = await answer
    expect(status).toBe(200)
    expect(JSON.parse(body)).toMatchObject({ written: { providers: 1, domains: 1 } })
    const stoppedWithin = Date.now()
    expect(await server.exited()).toBe(0)
    // Not held open by the keep-alive connection of the finished request (5 s in Node).
    expect(Date.now() - stoppedWithin).toBeLessThan(2000)
    expect(server.lines.map((l) => l.msg)).toEqual(['listening', 'stopping', 'request', 'stopped'])
  }, 15_000)

  it('prepares a database and exits with --migrate-only (how a Turso database gets its migrations)', async () => {
    const folder = freshFolder()
    const result = run(['--migrate-only', '--seed-sample'], { LIBSQL_URL: `file:${join(folder, 'db/prepared.db')}` })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('"msg":"database ready"')
    expect(result.stdout).not.toContain('listening')
    const server = await start(folder, [], { LIBSQL_URL: `file:${join(folder, 'db/prepared.db')}` })
    expect((await fetch(server.url + CONFIG)).status).toBe(200)
  })

  it.each([
    ['a PORT that is no number', [], { PORT: 'http' }, 'PORT must be a number from 0 to 65535'],
    ['a PROXY_COUNT that is no number', [], { PROXY_COUNT: 'all' }, 'PROXY_COUNT must be a whole number'],
    ['an unknown argument', ['--seed'], {}, 'unknown argument "--seed"'],
  ])('refuses to start with %s, saying so', (_case, args, env, message) => {
    const result = run(args, env)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('warns at start-up about a signing certificate close to expiry, and about the chain', async () => {
    const ca = createTestCa()
    try {
      // The test CA's certificates are valid for two days.
      const server = await start(freshFolder(), ['--seed-sample'], { MOBILECONFIG_SIGNING_CERT: ca.ec.cert, MOBILECONFIG_SIGNING_KEY: ca.ec.pkcs8, MOBILECONFIG_SIGNING_CHAIN: ca.intermediatePem })
      const warnings = server
        .stderr()
        .split('\n')
        .filter((line) => line.includes('mobileconfig signing certificate'))
        .map((line) => (JSON.parse(line) as { warning: string }).warning)
      expect(warnings).toHaveLength(2)
      expect(warnings[0]).toMatch(/^MOBILECONFIG_SIGNING_CERT expires on \d{4}-\d\d-\d\d, in 1 day\(s\)/)
      expect(warnings[1]).toMatch(/^the chain certificate "mailconf test intermediate" expires on/)
      // Once: the first signed profile does not repeat them.
      const profile = await fetch(`${server.url}/mobileconfig?emailaddress=alice%40example.com`)
      expect(profile.status).toBe(200)
      // Signed: DER (a SEQUENCE), not the plist's XML.
      expect(new Uint8Array(await profile.arrayBuffer())[0]).toBe(0x30)
      expect(server.stderr().match(/mobileconfig signing certificate/g)).toHaveLength(2)
    } finally {
      ca.dispose()
    }
  })

  it('refuses to start with signing secrets it cannot use, naming the setting', () => {
    const ca = createTestCa()
    try {
      const result = run([], { MOBILECONFIG_SIGNING_CERT: ca.rsa.cert, MOBILECONFIG_SIGNING_KEY: ca.ec.pkcs8 })
      expect(result.status).toBe(2)
      expect(result.stderr).toContain('mailconf: profile signing: MOBILECONFIG_SIGNING_KEY is not a RSA private key')
      expect(result.stderr).not.toMatch(/\n\s+at /)
    } finally {
      ca.dispose()
    }
  })

  it('reports an embedded replica whose primary cannot be reached by its setting, without the token', () => {
    const folder = freshFolder()
    const result = run([], { LIBSQL_URL: `file:${join(folder, 'replica.db')}`, LIBSQL_SYNC_URL: 'http://127.0.0.1:9', LIBSQL_AUTH_TOKEN: 'very-secret-token' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('mailconf: could not start: LIBSQL_SYNC_URL: the embedded replica could not sync with the primary')
    expect(`${result.stdout}${result.stderr}`).not.toContain('very-secret-token')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('reports a database it cannot open without a stack trace', () => {
    const folder = freshFolder()
    writeFileSync(join(folder, 'not-a-folder'), '')
    const result = run([], { LIBSQL_URL: `file:${join(folder, 'not-a-folder/mailconf.db')}` })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('mailconf: could not start:')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('npm run serve', () => {
  it('runs the same entry from source with tsx', () => {
    const result = spawnSync('npm', ['run', '--silent', 'serve', '--', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 })
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('usage: mailconf-server [--seed-sample]')
  })
})
