#!/usr/bin/env node
// `npm run soak -- [--target node|worker|both] [--minutes 5] [--concurrency 50] [--sample 5]`
//
// Sustained load: `concurrency` clients send a mix of config requests (Autoconfig, Autodiscover
// POX and v2, Apple profiles, the landing page, /healthz) back to back for `minutes` against the
// Node entry and/or the local Worker (bench/soak-servers.mjs), while the server's RSS is sampled
// every `sample` seconds. Pass = no error (every answer the expected status and content) and RSS
// at most 10 % above its value at the end of the first minute at any later sample. Writes the
// figures to bench/results/soak-<target>-<time>.json (not committed) and prints a summary.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadAverage, ROOT, rssKiB, START } from './soak-servers.mjs'

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'both' },
    minutes: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '50' },
    sample: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '60' },
    // info (the default in production) writes one line per request: part of the real cost.
    'log-level': { type: 'string', default: 'info' },
  },
})
// worker-control: the same load on a do-nothing Worker under the same wrangler dev (see
// soak-servers.mjs), to tell the local runtime's memory from mailconf's; every answer is its 404.
const targets = values.target === 'both' ? ['node', 'worker'] : values.target === 'all' ? ['node', 'worker', 'worker-control'] : [values.target]
if (!targets.every((t) => t in START)) {
  console.error('--target must be node, worker, worker-control, both or all')
  process.exit(2)
}
const durationMs = Number(values.minutes) * 60_000
const concurrency = Number(values.concurrency)
const sampleMs = Number(values.sample) * 1000
const warmupMs = Number(values.warmup) * 1000
const GROWTH_LIMIT = 0.1

const POX = (address) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request><EMailAddress>${address}</EMailAddress>
  <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request>
</Autodiscover>`

/** The mix: [weight, name, build(url, n) → [path, init], expected status, text the answer must hold]. */
const MIX = [
  [30, 'autoconfig', (n) => [`/mail/config-v1.1.xml?emailaddress=user${n}%40${domain(n)}`, {}], 200, '<incomingServer type="imap">'],
  [5, 'autoconfig-wellknown', (n) => [`/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=user${n}+tag@${domain(n)}`, {}], 200, '<emailProvider id="example.com">'],
  [25, 'autodiscover-pox', (n) => ['/autodiscover/autodiscover.xml', { method: 'POST', headers: { 'Content-Type': 'text/xml', Authorization: `Basic ${btoa(`user${n}:secret`)}` }, body: POX(`user${n}@${domain(n)}`) }], 200, '<Type>IMAP</Type>'],
  [10, 'autodiscover-v2', (n) => [`/autodiscover/autodiscover.json/v1.0/user${n}@${domain(n)}?Protocol=AutodiscoverV1`, {}], 200, '"Protocol":"AutodiscoverV1"'],
  [15, 'mobileconfig', (n) => [`/mobileconfig?emailaddress=user${n}%40${domain(n)}&name=User%20${n}`, {}], 200, 'com.apple.mail.managed'],
  [10, 'landing', (n) => [`/?emailaddress=user${n}%40${domain(n)}`, {}], 200, 'imap.example.com'],
  [3, 'unknown-domain', (n) => [`/mail/config-v1.1.xml?emailaddress=user${n}%40unknown${n % 97}.example`, {}], 404, 'no mail configuration'],
  [2, 'healthz', () => ['/healthz', {}], 200, 'ok'],
]
const domain = (n) => ['example.com', 'example.net', 'example.org'][n % 3]
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0)
function pick(n) {
  let roll = (n * 7919) % TOTAL_WEIGHT
  for (const entry of MIX) {
    if ((roll -= entry[0]) < 0) return entry
  }
  return MIX[0]
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0

async function soak(target) {
  const started = Date.now()
  const stopAt = started + durationMs
  let counter = 0
  const latencies = []
  const errors = new Map()
  const byKind = new Map()
  const fail = (key) => errors.set(key, (errors.get(key) ?? 0) + 1)
  const control = target.name === 'worker-control'

  async function client() {
    while (Date.now() < stopAt) {
      const n = counter++
      const [, name, build, status, needle] = pick(n)
      const [path, init] = build(n)
      const t0 = performance.now()
      try {
        const response = await fetch(new URL(path, target.url), init)
        const body = await response.text()
        latencies.push(performance.now() - t0)
        byKind.set(name, (byKind.get(name) ?? 0) + 1)
        if (control) {
          if (response.status !== 404) fail(`${name}: HTTP ${response.status}`)
        } else if (response.status !== status) fail(`${name}: HTTP ${response.status}`)
        else if (!body.includes(needle)) fail(`${name}: unexpected body`)
      } catch (error) {
        fail(`${name}: ${error.cause?.code ?? error.message}`)
      }
    }
  }

  const samples = []
  const sampleNow = () => samples.push({ s: Math.round((Date.now() - started) / 1000), rss_kib: rssKiB(target.serverPids()), requests: latencies.length, load: loadAverage() })
  sampleNow()
  const sampler = setInterval(sampleNow, sampleMs)
  await Promise.all(Array.from({ length: concurrency }, client))
  clearInterval(sampler)
  sampleNow()

  const baseline = samples.find((s) => s.s * 1000 >= warmupMs) ?? samples.at(-1)
  const later = samples.filter((s) => s.s > baseline.s)
  const peak = Math.max(baseline.rss_kib, ...later.map((s) => s.rss_kib))
  const last = samples.at(-1)
  const sorted = latencies.sort((a, b) => a - b)
  const seconds = (Date.now() - started) / 1000
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0)
  const growth = (peak - baseline.rss_kib) / baseline.rss_kib
  return {
    target: target.name,
    minutes: Number(values.minutes),
    concurrency,
    requests: sorted.length,
    requests_per_s: Math.round(sorted.length / seconds),
    errors: errorCount,
    error_kinds: Object.fromEntries(errors),
    by_kind: Object.fromEntries(byKind),
    latency_ms: { p50: +percentile(sorted, 0.5).toFixed(1), p95: +percentile(sorted, 0.95).toFixed(1), p99: +percentile(sorted, 0.99).toFixed(1), max: +(sorted.at(-1) ?? 0).toFixed(1) },
    rss_mib: { start: mib(samples[0].rss_kib), after_warmup: mib(baseline.rss_kib), peak_after_warmup: mib(peak), end: mib(last.rss_kib) },
    rss_growth_after_warmup_pct: +(growth * 100).toFixed(1),
    pass: errorCount === 0 && growth < GROWTH_LIMIT,
    samples,
  }
}
const mib = (kib) => +(kib / 1024).toFixed(1)

mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
let allPassed = true
for (const name of targets) {
  console.log(`soak ${name}: starting the server (load ${loadAverage()})`)
  const target = await START[name]({ logLevel: values['log-level'] })
  let result
  try {
    console.log(`soak ${name}: ${values.minutes} min at concurrency ${concurrency} against ${target.url}`)
    result = await soak(target)
  } finally {
    await target.stop()
  }
  const file = join(ROOT, 'bench/results', `soak-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  const { samples: _samples, ...summary } = result
  console.log(JSON.stringify(summary, null, 2))
  console.log(`soak ${name}: ${result.pass ? 'PASS' : 'FAIL'} (${result.errors} errors, RSS +${result.rss_growth_after_warmup_pct} % after the first minute); samples in ${file}`)
  allPassed &&= result.pass
}
process.exit(allPassed ? 0 : 1)
