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
//   --modes keep-alive,close   keep-alive connections (autocannon) and/or a new connection per
//                              request with `Connection: close` (this script's own client)
//   --ceiling on               also load a bare node:http server answering the case's bytes
//                              (bench/ceiling.mjs), interleaved with the service, and print ratios
//   --rounds 2                 service/ceiling pairs per measurement, in alternating order
//   --warmup 2                 seconds of load on each before its rounds, not counted (JIT, caches)
//   --cold 0                   fresh starts for the cold-path figure (0 = none; see bench/README.md)
import autocannon from 'autocannon'
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect, createServer } from 'node:net'
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
    modes: { type: 'string', default: 'keep-alive,close' },
    ceiling: { type: 'string', default: 'on' },
    rounds: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    cold: { type: 'string', default: '0' },
  },
})
const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean)
const TOKEN = 'bench-admin-token'
const DURATION = Number(values.duration)
if (!(DURATION > 0)) throw new Error('--duration needs a positive number of seconds')
if (!['on', 'off'].includes(values.cache)) throw new Error('--cache is on or off')
if (!['on', 'off'].includes(values.ceiling)) throw new Error('--ceiling is on or off')
const ROUNDS = Number(values.rounds)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds needs a whole number ≥ 1')
const WARMUP = Number(values.warmup)
if (!(WARMUP >= 0)) throw new Error('--warmup needs a number of seconds ≥ 0')
const COLD_STARTS = Number(values.cold)
if (!Number.isInteger(COLD_STARTS) || COLD_STARTS < 0) throw new Error('--cold needs a whole number ≥ 0')
const MODES = list(values.modes)
for (const mode of MODES) if (!['keep-alive', 'close'].includes(mode)) throw new Error(`unknown mode ${mode}; known: keep-alive, close`)

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

// The cold path's second uncached domain, with a provider of its own (seeded only for --cold).
const COLD_OTHER = 'user@cold.example'

function seedDocument(count) {
  const names = Array.from({ length: count }, (_, i) => (i === count - 1 ? 'bench.example' : `d${i}.example`))
  if (COLD_STARTS > 0) names.unshift('cold.example')
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
    // The entry listens once the database is open and migrated.
    return { url: `http://127.0.0.1:${port}`, child, ready: waitForPort(port, child, 30) }
  },
  postgres: () => nodeOver('BENCH_POSTGRES_URL'),
  mysql: () => nodeOver('BENCH_MYSQL_URL'),
  async workerd(folder) {
    const port = await freePort()
    const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' }
    execFileSync('node_modules/.bin/wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', folder], { env, stdio: 'ignore' })
    const vars = Object.entries(serviceVars()).flatMap(([name, value]) => ['--var', `${name}:${value}`])
    const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', folder, '--show-interactive-dev-session=false', ...vars]
    const child = spawn('node_modules/.bin/wrangler', args, { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true })
    // wrangler's proxy listens before workerd has loaded the Worker; its "Ready on" line comes after.
    const ready = new Promise((resolve, reject) => {
      let text = ''
      child.stdout.on('data', (chunk) => {
        text += chunk
        if (/Ready on/.test(text)) resolve()
      })
      child.once('exit', (code) => reject(new Error(`wrangler dev exited with ${code} before it was ready`)))
    })
    ready.catch(() => {})
    return { url: `http://127.0.0.1:${port}`, child, ready }
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

function keepAliveLoad(url, name, connections, seconds) {
  const c = CASES[name]
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: url + c.path, method: c.method ?? 'GET', body: c.body, headers: c.headers, connections, duration: seconds, expectBody: undefined },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    instance.on('error', reject)
  })
}

function summariseAutocannon(result, expectedStatus) {
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

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)])

/**
 * `Connection: close`, one TCP connection per request, `connections` of them at a time. autocannon
 * cannot do this: with the header it writes the next request into the closing socket and times
 * answers against the wrong requests (p50 of seconds against a bare server), and its
 * `reconnectRate` drops the answers it reconnects after. Latency is connect to close, the way a
 * client that does not reuse connections sees it.
 */
async function closeLoad(url, name, connections, seconds) {
  const c = CASES[name]
  const { hostname, port } = new URL(url)
  const body = c.body === undefined ? Buffer.alloc(0) : Buffer.from(c.body)
  const head = [
    `${c.method ?? 'GET'} ${c.path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...Object.entries(c.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ...(c.body === undefined ? [] : [`Content-Length: ${body.length}`]),
    '',
    '',
  ].join('\r\n')
  const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body])
  const latencies = []
  const statuses = {}
  let errors = 0
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now()
      const socket = connect(Number(port), hostname)
      let first = null
      let failed = false
      socket.on('connect', () => socket.end(bytes))
      socket.on('data', (chunk) => (first ??= chunk))
      socket.on('error', () => (failed = true))
      socket.on('close', () => {
        const status = first === null ? null : /^HTTP\/1\.1 (\d{3})/.exec(first.toString('latin1', 0, 16))?.[1]
        if (failed || !status) errors++
        else {
          statuses[status] = (statuses[status] ?? 0) + 1
          latencies.push(performance.now() - started)
        }
        resolve()
      })
    })
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) await one()
  }))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const wrongStatus = Object.entries(statuses).filter(([code]) => Number(code) !== c.status).reduce((sum, [, n]) => sum + n, 0)
  return {
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: Number(percentile(latencies, 50)?.toFixed(1)),
    p99Ms: Number(percentile(latencies, 99)?.toFixed(1)),
    requests: latencies.length,
    errors: errors + wrongStatus,
    statuses,
  }
}

const measure = async (url, name, connections, mode, seconds = DURATION) =>
  mode === 'close' ? closeLoad(url, name, connections, seconds) : summariseAutocannon(await keepAliveLoad(url, name, connections, seconds), CASES[name].status)

/** One answer of the service to a case, as it went over the wire (what the ceiling then serves). */
function captureAnswer(url, name) {
  const c = CASES[name]
  return new Promise((resolve, reject) => {
    const request = httpRequest(url + c.path, { method: c.method ?? 'GET', headers: c.headers }, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () => {
        // Node's http server writes these itself, for the ceiling as for the service.
        const own = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding'])
        const headers = []
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          if (!own.has(response.rawHeaders[i].toLowerCase())) headers.push(response.rawHeaders[i], response.rawHeaders[i + 1])
        }
        resolve({ status: response.statusCode, headers, body: Buffer.concat(chunks).toString('base64') })
      })
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(c.body)
  })
}

async function startCeiling(folder, url, name) {
  const file = join(folder, `ceiling-${name}.json`)
  writeFileSync(file, JSON.stringify(await captureAnswer(url, name)))
  const port = await freePort()
  const child = spawn(process.execPath, ['bench/ceiling.mjs', file, String(port)], { stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  const ceilingUrl = `http://127.0.0.1:${port}`
  await waitForPort(port, child, 10)
  return { url: ceilingUrl, child }
}

async function waitForPort(port, child, seconds) {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode} before it listened`)
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await sleep(20)
  }
  throw new Error(`nothing listened on port ${port} within ${seconds} s`)
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/**
 * The service and the ceiling, `ROUNDS` times each, alternating and swapping who goes first every
 * round (service, ceiling, ceiling, service, …): a machine that gets busier or quieter during the
 * run then weighs on both alike. Rates are the means over the rounds; latencies the service's worst
 * round.
 */
async function interleaved(serviceUrl, ceilingUrl, name, connections, mode) {
  const service = []
  const ceiling = []
  // The first seconds of load on a fresh process are slower (V8 compiles the hot path as it runs):
  // each gets them before its first counted round, so the rounds compare steady states.
  if (WARMUP > 0) {
    await measure(serviceUrl, name, connections, mode, WARMUP)
    if (ceilingUrl) await measure(ceilingUrl, name, connections, mode, WARMUP)
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['service', 'ceiling'] : ['ceiling', 'service']
    for (const who of order) {
      if (who === 'service') service.push(await measure(serviceUrl, name, connections, mode))
      else if (ceilingUrl) ceiling.push(await measure(ceilingUrl, name, connections, mode))
    }
  }
  const rate = (runs) => Math.round(mean(runs.map((r) => r.requestsPerSecond)))
  const result = {
    requestsPerSecond: rate(service),
    p50Ms: Math.max(...service.map((r) => r.p50Ms)),
    p99Ms: Math.max(...service.map((r) => r.p99Ms)),
    requests: service.reduce((sum, r) => sum + r.requests, 0),
    errors: service.reduce((sum, r) => sum + r.errors, 0),
    rounds: service,
  }
  if (ceiling.length === 0) return result
  return {
    ...result,
    ceiling: { requestsPerSecond: rate(ceiling), p50Ms: Math.max(...ceiling.map((r) => r.p50Ms)), p99Ms: Math.max(...ceiling.map((r) => r.p99Ms)), errors: ceiling.reduce((sum, r) => sum + r.errors, 0), rounds: ceiling },
    ratio: Number((rate(service) / rate(ceiling)).toFixed(2)),
  }
}

/**
 * The cold path: the first request after a fresh start, for a domain no request has asked about
 * yet, then the same request again (now cached), then a second uncached domain on the now warm
 * process. Each start is a new process on the same (already seeded) database; readiness is the
 * port accepting connections (Node) or wrangler's "Ready" line (workerd), so no request has
 * touched the app or the database before the one timed.
 */
async function coldPath(target, folder) {
  const starts = []
  for (let i = 0; i < COLD_STARTS; i++) {
    const spawned = performance.now()
    const { url, child, ready } = await TARGETS[target](folder)
    try {
      await ready
      const readyMs = performance.now() - spawned
      const time = async (path) => {
        const t = performance.now()
        const response = await fetch(url + path)
        await response.arrayBuffer()
        if (response.status !== 200) throw new Error(`cold path: ${path} answered ${response.status}`)
        return performance.now() - t
      }
      const first = await time(CASES.autoconfig.path)
      const again = await time(CASES.autoconfig.path)
      const other = await time(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(COLD_OTHER)}`)
      starts.push({ readyMs, firstMs: first, cachedMs: again, otherUncachedMs: other })
    } finally {
      await stop(child)
    }
  }
  const summary = (key) => Number(median(starts.map((s) => s[key])).toFixed(1))
  return { starts, readyMs: summary('readyMs'), firstMs: summary('firstMs'), cachedMs: summary('cachedMs'), otherUncachedMs: summary('otherUncachedMs') }
}

const rows = []
const colds = []
const started = new Date()
if (list(values.targets).some((t) => ['node', 'postgres', 'mysql'].includes(t))) {
  console.log('building dist/node.mjs (npm run build:node)')
  execFileSync('npm', ['run', '--silent', 'build:node'], { stdio: 'inherit' })
}
console.log(
  `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; ${DURATION} s per run, ${ROUNDS} round(s) after ${WARMUP} s of warm-up each, ` +
    `cache ${values.cache}, LOG_LEVEL ${values['log-level']}, ceiling ${values.ceiling}`,
)
const columns = ['target', 'domains', 'case', 'mode', 'conn', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'ceiling', 'c p99', 'ratio', 'load 1m']
console.log(columns.map((h, i) => (i < 4 ? h.padEnd(11) : h.padStart(8))).join(' '))

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
        const ceiling = values.ceiling === 'on' ? await startCeiling(folder, url, name) : null
        try {
          for (const mode of MODES) {
            for (const connections of list(values.connections).map(Number)) {
              const loadStart = loadavg()[0]
              const result = await interleaved(url, ceiling?.url ?? null, name, connections, mode)
              const load1m = `${loadStart.toFixed(2)}–${loadavg()[0].toFixed(2)}`
              const row = { target, domains: count, case: name, mode, connections, ...result, load1m, seedMs }
              rows.push(row)
              console.log(
                [target, String(count), name, mode].map((s) => s.padEnd(11)).join(' ') + ' ' +
                  [connections, row.requestsPerSecond, row.p50Ms, row.p99Ms, row.errors, row.ceiling?.requestsPerSecond ?? '—', row.ceiling?.p99Ms ?? '—', row.ratio ?? '—', load1m]
                    .map((v) => String(v).padStart(8))
                    .join(' '),
              )
            }
          }
        } finally {
          if (ceiling) await stop(ceiling.child)
        }
      }
    } finally {
      await stop(child)
    }
    try {
      if (COLD_STARTS > 0) {
        const loadStart = loadavg()[0]
        const cold = { target, domains: count, ...(await coldPath(target, folder)), load1m: `${loadStart.toFixed(2)}–${loadavg()[0].toFixed(2)}` }
        colds.push(cold)
        console.log(
          `${target} cold path (${count} domains, median of ${COLD_STARTS} fresh starts): ready ${cold.readyMs} ms after spawn; ` +
            `first request (uncached) ${cold.firstMs} ms, the same again (cached) ${cold.cachedMs} ms, another uncached domain ${cold.otherUncachedMs} ms; load ${cold.load1m}`,
        )
      }
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  }
}

mkdirSync('bench/results', { recursive: true })
const file = join('bench/results', `load-${started.toISOString().replace(/[:.]/g, '-')}.json`)
writeFileSync(
  file,
  JSON.stringify({ started: started.toISOString(), node: process.version, cpus: cpus().length, options: values, rows, cold: colds }, null, 2) + '\n',
)
console.log(`results: ${file}`)
