/**
 * `npm start`: serve the Worker locally with wrangler dev on a local D1 (SQLite under .wrangler/).
 * Before serving: apply the migrations, and load seed/sample.json when the database has no
 * provider, through the same seeding code as POST /initdb/.
 */
import { spawn, spawnSync } from 'node:child_process'
import { getPlatformProxy } from 'wrangler'
import { createD1Db } from '../src/db/client'
import { describeLoad, loadIntoEmpty } from '../src/seed/write'
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
    const loaded = describeLoad(await loadIntoEmpty(createD1Db(env.DB), sample))
    if (!loaded.ok) throw new Error(`seed/sample.json: ${loaded.error}`)
    console.log(`mailconf: seed/sample.json: ${loaded.value}`)
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
