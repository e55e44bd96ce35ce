#!/usr/bin/env node
// `npm run bench:startup [-- --rounds 7]`: the Worker's start-up CPU as `wrangler check startup`
// profiles it, against a no-op Worker measured the same way in the same run.
//
// The service is built once exactly as `wrangler deploy` builds it (dry run, settings from
// wrangler.toml). The reference is a no-op Worker carrying the same bytes: the service's bundle
// (turned into CommonJS by esbuild, so that its imports and exports may sit inside a function) as the
// body of a function that is never called, and a fetch that answers a fixed 404. V8 then only
// pre-parses that code, so the reference costs what shipping these bytes costs, and the ratio is
// what evaluating them at start-up adds. (An empty no-op Worker measures 0.0 ms here: nothing to
// divide by.) Both are built and profiled with the same wrangler.toml (compatibility date, flags,
// minify), alternately, for several rounds, because the machine is shared and noisy and the
// profiler samples coarsely: the means and their ratio are the result, not the milliseconds.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { transformSync } from 'esbuild'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' } } })
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1')

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
const wrangler = 'node_modules/.bin/wrangler'
const dir = mkdtempSync(join(tmpdir(), 'mailconf-startup-'))

/** Runs `wrangler check startup` on a prebuilt bundle; the active start-up CPU in ms. */
function activeMs(bundle) {
  const out = execFileSync(wrangler, ['check', 'startup', '--workerBundle', bundle, '--outfile', join(dir, 'profile.cpuprofile')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  const match = /Active:\s*([\d.]+)\s*ms/.exec(out)
  if (!match) throw new Error(`no "Active:" line in wrangler check startup's output:\n${out}`)
  return Number(match[1])
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`

try {
  // `--workerBundle` takes what `deploy --outfile` writes (the upload's form data); --outdir gives
  // the script itself, to measure and to wrap into the reference.
  const serviceDir = join(dir, 'service')
  const service = join(dir, 'service.bundle')
  execFileSync(wrangler, ['deploy', '--dry-run', '--outdir', serviceDir, '--outfile', service], { stdio: ['ignore', 'ignore', 'inherit'], env })
  const serviceFile = readdirSync(serviceDir).find((f) => f.endsWith('.js'))
  if (!serviceFile) throw new Error('wrangler produced no .js bundle')
  const serviceCode = readFileSync(join(serviceDir, serviceFile), 'utf8')

  const noopSource = join(dir, 'noop.js')
  const noop = join(dir, 'noop.bundle')
  const body = transformSync(serviceCode, { format: 'cjs', minify: true, logLevel: 'error' }).code
  writeFileSync(
    noopSource,
    // Reachable only through a header nobody sends, so that the bundler keeps the code.
    `const never = (require, module, exports) => {${body}}\n` +
      "export default { fetch(request) { return request.headers.get('x-never') === 'never' ? never() : new Response('not found', { status: 404 }) } }\n",
  )
  execFileSync(wrangler, ['deploy', '--config', 'wrangler.toml', '--dry-run', '--outdir', join(dir, 'noop'), '--outfile', noop, noopSource], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  })
  const noopCode = readFileSync(join(dir, 'noop', 'noop.js'))

  for (const [name, code] of [['service', Buffer.from(serviceCode)], ['no-op', noopCode]]) {
    console.log(`${name.padEnd(8)} script: ${kib(code.length)} raw, ${kib(gzipSync(code).length)} gzip`)
  }
  const load = loadavg()
  console.log(`load average at start: ${load.map((l) => l.toFixed(2)).join(' ')}; ${rounds} rounds, alternating`)

  const samples = { service: [], noop: [] }
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so neither always runs right after the other's build-up.
    const order = round % 2 ? ['service', 'noop'] : ['noop', 'service']
    for (const name of order) samples[name].push(activeMs(name === 'service' ? service : noop))
    console.log(`round ${round}: service ${samples.service.at(-1)} ms, no-op ${samples.noop.at(-1)} ms`)
  }
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  console.log(`median active start-up CPU: service ${median(samples.service).toFixed(1)} ms, no-op ${median(samples.noop).toFixed(1)} ms`)
  // The ratio is of the means: the profiler samples a few ms apart, irregularly, so a start-up of a
  // few ms often gets no active sample at all (0.0 ms) and the reference's median can be 0; the mean
  // of sampled time is what converges to the CPU spent.
  const s = mean(samples.service)
  const n = mean(samples.noop)
  console.log(`mean active start-up CPU: service ${s.toFixed(1)} ms, no-op ${n.toFixed(1)} ms, ratio ${(s / n).toFixed(2)} (target ≤ 2)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
