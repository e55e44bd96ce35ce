#!/usr/bin/env node
// `npm run bench`: load the service with autocannon and print requests/s, p50/p99 latency and
// errors per case; write everything as JSON under bench/results/. See bench/README.md.
//
//   --targets node,workerd     the Node entry (dist/node.mjs over a libsql file) and/or the Worker
//                              in local workerd (wrangler dev over a local D1); also postgres and
//                              mysql: the Node entry over the empty database named by
//                              BENCH_POSTGRES_URL / BENCH_MYSQL_URL (migrated at its start)
//   --domains 1,10000          database sizes (seeded through POST /admin/import)
//   --cases autoconfig,pox,mobileconfig,unknown,baseline
//   --connections 1,50         concurrency
//   --duration 10              seconds per case
//   --cache on                 on | off (CONFIG_CACHE_TTL_SECONDS=0: every request asks the database)
//   --log-level warn           LOG_LEVEL of the service (info writes one line per request)
import autocannon from 'autocannon'
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'node,workerd' },
    domains: { type: 'string', default: '1,10000' },
    cases: { type: 'string', default: 'autoconfig,pox,mobileconfig,unknown,baseline' },
    connections: { type: 'string', default: '1,50' },
    duration: { type: 'string', default: '10' },
    cache: { type: 'string', default: 'on' },
    'log-level': { type: 'string', default: 'warn' },
  },
})
const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean)
const TOKEN = 'bench-admin-token'
const DURATION = Number(values.duration)
if (!(DURATION > 0)) throw new Error('--duration needs a positive number of seconds')
if (!['on', 'off'].includes(values.cache)) throw new Error('--cache is on or off')

// The benchmarked domain is the last one written, with the sample provider's six servers; the
// others are padding with one provider each, linked to the same servers (so the link tables grow
// with the domain count too). Every size serves the same document for bench.example.
const HIT = 'user@bench.example'
const MISS = 'user@nowhere.example'
const SERVERS = [
  { type: 'imap', name: 'imap.example.com', port: 993, prio: 10 },
  { type: 'pop', name: 'pop.example.com', port: 995, prio: 20 },
  { type: 'smtp', name: 'smtp.example.com', port: 465, prio: 10 },
  { type: 'smtp', name: 'smtp.example.com', port: 587, prio: 20, socket_type: 'STARTTLS' },
  { type: 'caldav', url: 'https://dav.example.com/caldav/' },
  { type: 'carddav', url: 'https://dav.example.com/carddav/' },
]

function seedDocument(count) {
  const names = Array.from({ length: count }, (_, i) => (i === count - 1 ? 'bench.example' : `d${i}.example`))
  return {
    version: 2,
    providers: names.map((name, i) => ({ provider: `Provider ${i}`, domains: [name] })),
    servers: SERVERS.map((server) => ({ ...server, domains: names })),
  }
}

const POX_BODY = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${HIT}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`

const CASES = {
  autoconfig: { path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(HIT)}`, status: 200 },
  pox: { path: '/autodiscover/autodiscover.xml', method: 'POST', body: POX_BODY, headers: { 'content-type': 'text/xml' }, status: 200 },
  mobileconfig: { path: `/mobileconfig?emailaddress=${encodeURIComponent(HIT)}`, status: 200 },
  unknown: { path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(MISS)}`, status: 404 },
  // The floor of a target: a path no route serves (the app's middleware and notFound, no lookup).
  baseline: { path: '/no-such-path', status: 404 },
}
for (const name of list(values.cases)) if (!CASES[name]) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`)

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function waitForHealth(url, child, seconds) {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it answered`)
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  throw new Error(`${url}/healthz did not answer 200 within ${seconds} s`)
}

/** Stops a child started with detached: true, and everything it started (wrangler → workerd). */
async function stop(child) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(-child.pid, 'SIGTERM')
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
  if (!done) {
    process.kill(-child.pid, 'SIGKILL')
    await exited
  }
}

const serviceVars = () => ({
  ADMIN_TOKEN: TOKEN,
  LOG_LEVEL: values['log-level'],
  CONFIG_CACHE_TTL_SECONDS: values.cache === 'on' ? '60' : '0',
})

const TARGETS = {
  async node(folder) {
    const port = await freePort()
    const env = { ...process.env, ...serviceVars(), HOST: '127.0.0.1', PORT: String(port), LIBSQL_URL: `file:${join(folder, 'bench.db')}` }
    const child = spawn(process.execPath, ['dist/node.mjs'], { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
    return { url: `http://127.0.0.1:${port}`, child }
  },
  postgres: () => nodeOver('BENCH_POSTGRES_URL'),
  mysql: () => nodeOver('BENCH_MYSQL_URL'),
  async workerd(folder) {
    const port = await freePort()
    const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' }
    execFileSync('node_modules/.bin/wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', folder], { env, stdio: 'ignore' })
    const vars = Object.entries(serviceVars()).flatMap(([name, value]) => ['--var', `${name}:${value}`])
    const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', folder, '--show-interactive-dev-session=false', ...vars]
    const child = spawn('node_modules/.bin/wrangler', args, { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
    return { url: `http://127.0.0.1:${port}`, child }
  },
}
async function nodeOver(setting) {
  const databaseUrl = process.env[setting]
  if (!databaseUrl) throw new Error(`${setting} must name an empty database for this target`)
  const port = await freePort()
  const env = { ...process.env, ...serviceVars(), HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl }
  const child = spawn(process.execPath, ['dist/node.mjs'], { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  return { url: `http://127.0.0.1:${port}`, child }
}
for (const name of list(values.targets)) if (!TARGETS[name]) throw new Error(`unknown target ${name}; known: ${Object.keys(TARGETS).join(', ')}`)

async function seed(url, count) {
  const response = await fetch(`${url}/admin/import?replace=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(seedDocument(count)),
  })
  if (response.status !== 200) throw new Error(`seeding ${count} domains: ${response.status} ${await response.text()}`)
}

async function check(url, name) {
  const c = CASES[name]
  const response = await fetch(url + c.path, { method: c.method ?? 'GET', body: c.body, headers: c.headers })
  const body = await response.text()
  if (response.status !== c.status) throw new Error(`${name}: expected ${c.status}, got ${response.status}: ${body.slice(0, 200)}`)
  if (name === 'pox' && !body.includes('<Protocol>')) throw new Error(`pox: no settings in the answer: ${body.slice(0, 200)}`)
}

function load(url, name, connections) {
  const c = CASES[name]
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: url + c.path, method: c.method ?? 'GET', body: c.body, headers: c.headers, connections, duration: DURATION, expectBody: undefined },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    instance.on('error', reject)
  })
}

function summarise(result, expectedStatus) {
  const statuses = result.statusCodeStats ?? {}
  const wrongStatus = Object.entries(statuses)
    .filter(([code]) => Number(code) !== expectedStatus)
    .reduce((sum, [, { count }]) => sum + count, 0)
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + wrongStatus,
    statuses: Object.fromEntries(Object.entries(statuses).map(([code, { count }]) => [code, count])),
  }
}

const rows = []
const started = new Date()
if (list(values.targets).some((t) => ['node', 'postgres', 'mysql'].includes(t))) {
  console.log('building dist/node.mjs (npm run build:node)')
  execFileSync('npm', ['run', '--silent', 'build:node'], { stdio: 'inherit' })
}
console.log(`${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; ${DURATION} s per case, cache ${values.cache}, LOG_LEVEL ${values['log-level']}`)
console.log(['target', 'domains', 'case', 'conn', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'load 1m'].map((h, i) => (i < 3 ? h.padEnd(12) : h.padStart(8))).join(' '))

for (const target of list(values.targets)) {
  for (const count of list(values.domains).map(Number)) {
    const folder = mkdtempSync(join(tmpdir(), `mailconf-bench-${target}-`))
    const { url, child } = await TARGETS[target](folder)
    try {
      await waitForHealth(url, child, 90)
      const seeding = Date.now()
      await seed(url, count)
      const seedMs = Date.now() - seeding
      console.log(`${target}: ${count} domain(s) imported in ${seedMs} ms`)
      for (const name of list(values.cases)) {
        await check(url, name)
        for (const connections of list(values.connections).map(Number)) {
          const load1m = loadavg()[0]
          const result = summarise(await load(url, name, connections), CASES[name].status)
          const row = { target, domains: count, case: name, connections, ...result, load1m: Number(load1m.toFixed(2)), seedMs }
          rows.push(row)
          console.log(
            [target, String(count), name].map((s) => s.padEnd(12)).join(' ') + ' ' +
              [connections, row.requestsPerSecond, row.p50Ms, row.p99Ms, row.errors, row.load1m].map((v) => String(v).padStart(8)).join(' '),
          )
        }
      }
    } finally {
      await stop(child)
      rmSync(folder, { recursive: true, force: true })
    }
  }
}

mkdirSync('bench/results', { recursive: true })
const file = join('bench/results', `load-${started.toISOString().replace(/[:.]/g, '-')}.json`)
writeFileSync(
  file,
  JSON.stringify({ started: started.toISOString(), node: process.version, cpus: cpus().length, options: values, rows }, null, 2) + '\n',
)
console.log(`results: ${file}`)
