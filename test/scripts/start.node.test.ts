/**
 * `npm start` (scripts/start.ts) for real: wrangler dev on a fresh local D1. The admin token from
 * the environment works, and appears on no process's command line (issue 14, finding 7);
 * `--no-sample` leaves the database empty; the start prints no stack trace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../support/node/ports'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TOKEN = 'start-test-token-4f0c9a71be2d'


/** Every command line on this machine, as `ps` would show them. */
function commandLines(): string[] {
  return readdirSync('/proc').flatMap((pid) => {
    if (!/^\d+$/.test(pid)) return []
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')]
    } catch {
      return []
    }
  })
}

let child: ChildProcess | undefined
let folder: string | undefined
afterEach(() => {
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
  if (folder) rmSync(folder, { recursive: true, force: true })
})

async function start(args: string[]): Promise<{ url: string; output: () => string }> {
  folder = mkdtempSync(join(tmpdir(), 'mailconf-start-test-'))
  const port = await freePort()
  let output = ''
  child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/start.ts', '--persist-to', folder, ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ADMIN_TOKEN: TOKEN, NO_COLOR: '1' },
    detached: true,
  })
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  for (let i = 0; i < 600 && !/Ready on/.test(output); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  expect(output).toMatch(/Ready on/)
  return { url: `http://127.0.0.1:${port}`, output: () => output }
}

describe('npm start', () => {
  it('serves the sample with the token from the environment, never on a command line, without stack traces', async () => {
    const { url, output } = await start([])
    const providers = await fetch(`${url}/admin/providers`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(providers.status).toBe(200)
    expect(await providers.json()).toEqual([expect.objectContaining({ name: 'Example Inc.' })])
    expect(commandLines().filter((line) => line.includes(TOKEN))).toEqual([])
    expect(output()).not.toMatch(/\n\s+at \S+ \(|ENOTFOUND/)
  }, 90_000)

  it('leaves the database empty with --no-sample', async () => {
    const { url } = await start(['--no-sample'])
    const providers = await fetch(`${url}/admin/providers`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(await providers.json()).toEqual([])
  }, 90_000)

  it('refuses an ADMIN_TOKEN under 16 characters before starting anything', () => {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/start.ts', '--no-sample'], {
      cwd: ROOT,
      env: { ...process.env, ADMIN_TOKEN: 'changeme' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('mailconf: ADMIN_TOKEN must be at least 16 characters (for example `openssl rand -hex 32`)')
    expect(result.stdout).not.toContain('serving on')
  })
})
