/**
 * `npm start`: serve the Worker locally with wrangler dev on a local D1 (SQLite under .wrangler/).
 * Before serving: apply the migrations, and load seed/sample.json when the database has no
 * provider, through the same seeding code as POST /initdb/.
 */
import { spawn, spawnSync } from 'node:child_process'
import { getPlatformProxy } from 'wrangler'
import { createD1Db } from '../src/db/client'
import { countProviders, writeSeed } from '../src/seed/write'
import { parseSeed } from '../src/seed/format'
import sample from '../seed/sample.json'

const port = process.env.PORT ?? '8787'
const host = '127.0.0.1'
const wrangler = 'node_modules/.bin/wrangler'

function run(args: string[]): void {
  const result = spawnSync(wrangler, args, { stdio: 'inherit', env: { ...process.env, CI: 'true' } })
  if (result.status !== 0) {
    console.error(`mailconf: \`wrangler ${args.join(' ')}\` failed`)
    process.exit(result.status ?? 1)
  }
}

async function seedIfEmpty(): Promise<void> {
  const { env, dispose } = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: true })
  try {
    const db = createD1Db(env.DB)
    if ((await countProviders(db)) > 0) return
    const plan = parseSeed(sample)
    if (!plan.ok) throw new Error(`seed/sample.json is invalid: ${JSON.stringify(plan.error)}`)
    const written = await writeSeed(db, plan.value)
    if (!written.ok) throw new Error('could not load seed/sample.json: conflict')
    console.log(`mailconf: loaded seed/sample.json (${written.value.domains} domains) into the empty local database`)
  } finally {
    await dispose()
  }
}

run(['d1', 'migrations', 'apply', 'DB', '--local'])
await seedIfEmpty()

const args = ['dev', '--ip', host, '--port', port]
// wrangler dev reads .dev.vars itself; a token from the environment takes precedence.
if (process.env.ADMIN_TOKEN) args.push('--var', `ADMIN_TOKEN:${process.env.ADMIN_TOKEN}`)

console.log(`
mailconf: serving on http://${host}:${port}/
  try:  curl 'http://${host}:${port}/mail/config-v1.1.xml?emailaddress=alice%40example.com'
`)
const child = spawn(wrangler, args, { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
