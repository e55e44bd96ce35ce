/**
 * `npm start`: serve the Worker locally with wrangler dev on a local D1 (SQLite under .wrangler/,
 * or `--persist-to DIR`). Before serving: apply the migrations, and load seed/sample.json when the
 * database has no provider (unless `--no-sample`), through the same code as GET /initdb/.
 *
 * Secrets never go on a command line, where every local user can read them (`ps`): an
 * ADMIN_TOKEN from the environment reaches wrangler in a private env file, together with
 * whatever .dev.vars holds (wrangler reads one or the other, not both).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { getPlatformProxy } from 'wrangler'
import sample from '../seed/sample.json'
import { adminTokenProblem, MIN_ADMIN_TOKEN_LENGTH } from '../src/admin/token'
import { createD1Db } from '../src/db/client'
import { describeLoad, loadIntoEmpty } from '../src/seed/write'

const { values: options } = parseArgs({
  options: { 'no-sample': { type: 'boolean', default: false }, 'persist-to': { type: 'string' }, help: { type: 'boolean', default: false } },
})
if (options.help) {
  console.log(`usage: npm start [-- --no-sample] [-- --persist-to DIR]

  --no-sample       do not load seed/sample.json into an empty database
  --persist-to DIR  keep the local D1 database in DIR (default .wrangler/state)

environment: PORT (8787), ADMIN_TOKEN (else .dev.vars), and any variable of wrangler.toml`)
  process.exit(0)
}

const port = process.env.PORT ?? '8787'
const host = '127.0.0.1'
const wrangler = 'node_modules/.bin/wrangler'
const persistTo = options['persist-to']
// Offline (and quieter) local runs: no telemetry, and no fetch of Cloudflare's `request.cf`
// sample, whose failure printed a stack trace on every start (the app does not read it).
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }

function run(args: string[]): void {
  const result = spawnSync(wrangler, args, { stdio: 'inherit', env: { ...quiet, CI: 'true' } })
  if (result.status !== 0) {
    console.error(`mailconf: \`wrangler ${args.join(' ')}\` failed`)
    process.exit(result.status ?? 1)
  }
}

async function seedIfEmpty(): Promise<void> {
  const { env, dispose } = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: persistTo ? { path: join(persistTo, 'v3') } : true })
  try {
    const loaded = describeLoad(await loadIntoEmpty(createD1Db(env.DB), sample))
    if (!loaded.ok) throw new Error(`seed/sample.json: ${loaded.error}`)
    console.log(`mailconf: seed/sample.json: ${loaded.value} (npm start -- --no-sample starts without it)`)
  } finally {
    await dispose()
  }
}

/** A dotenv value in single quotes, which dotenv takes literally. */
function envLine(name: string, value: string): string {
  if (/['\n\r]/.test(value)) {
    console.error(`mailconf: ${name} must not contain a single quote or a line break`)
    process.exit(2)
  }
  return `${name}='${value}'`
}

/** `--env-file` for wrangler dev: .dev.vars, then ADMIN_TOKEN from the environment; readable by this user only. */
function privateEnvFile(): { readonly path: string; readonly remove: () => void } | null {
  const token = process.env.ADMIN_TOKEN
  if (!token) return null
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-start-'))
  const path = join(folder, 'dev.env')
  const devVars = existsSync('.dev.vars') ? readFileSync('.dev.vars', 'utf8') : ''
  writeFileSync(path, `${devVars}\n${envLine('ADMIN_TOKEN', token)}\n`, { mode: 0o600 })
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) }
}

/** ADMIN_TOKEN as the Worker will see it: the environment's, else .dev.vars' (dotenv, maybe quoted). */
function configuredAdminToken(): string | undefined {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN
  if (!existsSync('.dev.vars')) return undefined
  return /^\s*ADMIN_TOKEN\s*=\s*(["']?)(.*?)\1\s*$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[2]
}

// The Worker would refuse every admin request with a short token; say so before starting.
const tokenProblem = adminTokenProblem(configuredAdminToken() ?? 'x'.repeat(MIN_ADMIN_TOKEN_LENGTH))
if (tokenProblem) {
  console.error(`mailconf: ${tokenProblem}`)
  process.exit(2)
}

const persistArgs = persistTo ? ['--persist-to', persistTo] : []
run(['d1', 'migrations', 'apply', 'DB', '--local', ...persistArgs])
// `npm start --no-sample` (without `--`) reaches here as npm's own config setting.
if (!options['no-sample'] && process.env.npm_config_sample !== 'false') await seedIfEmpty()

const envFile = privateEnvFile()
const args = ['dev', '--ip', host, '--port', port, ...persistArgs, ...(envFile ? ['--env-file', envFile.path] : [])]

console.log(`
mailconf: serving on http://${host}:${port}/
  try:  curl 'http://${host}:${port}/mail/config-v1.1.xml?emailaddress=alice%40example.com'
`)
const child = spawn(wrangler, args, { stdio: 'inherit', env: quiet })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => {
  envFile?.remove()
  process.exit(code ?? 0)
})
