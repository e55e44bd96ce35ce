#!/usr/bin/env node
// `npm run bench:startup [-- --rounds 7]`: the Worker's start-up CPU as `wrangler check startup`
// profiles it, against a no-op Worker measured the same way in the same run.
//
// The service is what `wrangler deploy` uploads (a dry run, built as wrangler.toml says): several
// modules, the main one with the chunks it imports statically, and the modules that `import()`
// loads later (scripts/build-worker.mjs). The reference is a no-op Worker of the same upload: the
// same modules besides the main one, uploaded and never imported, and as its main module the
// service's main module (turned into CommonJS by esbuild, so that its imports and exports may sit
// inside a function) as the body of a function that is never called, next to a fetch that answers
// a fixed 404. V8 then only pre-parses that code, so the reference costs what shipping these bytes
// costs, and the ratio is what evaluating the start-up modules adds. (An empty no-op Worker
// measures 0.0 ms here: nothing to divide by.) Both are built and profiled with the same
// wrangler.toml (compatibility date, flags), alternately, for several rounds, because the machine
// is shared and noisy and the profiler samples coarsely: the means and their ratio are the result,
// not the milliseconds.
//
// `wrangler check startup --workerBundle` loads every module of the upload file and imports the
// main one; each round's profile is read back to check that the service's start-up chunks were
// evaluated there (a module that failed to load would end the profile early and look fast).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { transformSync } from 'esbuild'
import { dryRun, env, groupModules, gzipSize, kib, mainOf, readUpload, summarise, wrangler } from './upload.mjs'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' } } })
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1')

const dir = mkdtempSync(join(tmpdir(), 'mailconf-startup-'))
const profile = join(dir, 'profile.cpuprofile')

/** Runs `wrangler check startup` on an upload file; the active start-up CPU in ms, and the modules the profile saw. */
function checkStartup(bundle) {
  const out = execFileSync(wrangler, ['check', 'startup', '--workerBundle', bundle, '--outfile', profile], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  const match = /Active:\s*([\d.]+)\s*ms/.exec(out)
  if (!match) throw new Error(`no "Active:" line in wrangler check startup's output:\n${out}`)
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(profile, 'utf8'))
  // Script URLs end in the module's name (the profiler's modules root is prefixed).
  const seen = new Set(nodes.map((node) => node.callFrame.url.split('/').at(-1)).filter(Boolean))
  const idle = new Set(nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id))
  // Each sample's delta (the time since the one before), and whether it was active, for the second estimate below.
  const deltas = timeDeltas.map((us, i) => ({ ms: us / 1000, active: !idle.has(samples[i]) }))
  return { ms: Number(match[1]), seen, deltas }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const sizes = (modules) => {
  const { raw, gzip } = summarise(modules)
  return `${kib(raw)} raw, ${kib(gzip)} gzip`
}

try {
  const { moduleDir } = mainOf()
  const service = join(dir, 'service.upload')
  dryRun(service)
  const serviceUpload = await readUpload(service)
  const { startup, lazy } = groupModules(serviceUpload, moduleDir)
  const mainName = serviceUpload.metadata.main_module

  // The no-op: the other modules as they are, beside a main module that never runs the service's.
  const noopDir = join(dir, 'noop')
  mkdirSync(noopDir)
  for (const [name, { bytes }] of serviceUpload.modules) if (name !== mainName) writeFileSync(join(noopDir, name), bytes)
  const body = transformSync(serviceUpload.modules.get(mainName).bytes.toString('utf8'), { format: 'cjs', minify: true, logLevel: 'error' }).code
  writeFileSync(
    join(noopDir, mainName),
    // Reachable only through a header nobody sends, so that nothing may drop the code.
    `const never = (require, module, exports) => {${body}}\n` +
      "export default { fetch(request) { return request.headers.get('x-never') === 'never' ? never() : new Response('not found', { status: 404 }) } }\n",
  )
  const noop = join(dir, 'noop.upload')
  dryRun(noop, ['--config', 'wrangler.toml', join(noopDir, mainName)])
  const noopUpload = await readUpload(noop)
  for (const [name, { bytes }] of serviceUpload.modules) {
    if (name !== mainName && !noopUpload.modules.get(name)?.bytes.equals(bytes)) throw new Error(`the no-op upload lacks ${name} as the service uploads it`)
  }
  if (noopUpload.modules.size !== serviceUpload.modules.size) throw new Error('the no-op upload has other modules than the service')

  const noopMain = noopUpload.modules.get(mainName).bytes
  console.log(`service upload: ${serviceUpload.modules.size} modules, ${sizes([...startup, ...lazy])}`)
  console.log(`  start-up (${startup.map((m) => m.name).join(', ')}): ${sizes(startup)}`)
  console.log(`  on first use (${lazy.length} modules): ${sizes(lazy)}`)
  console.log(`no-op upload: the same ${serviceUpload.modules.size - 1} other modules, never imported; main module ${kib(noopMain.length)} raw, ${kib(gzipSize(noopMain))} gzip (the service's in a function never called)`)
  const load = loadavg()
  console.log(`load average at start: ${load.map((l) => l.toFixed(2)).join(' ')}; ${rounds} rounds, alternating`)

  const samples = { service: [], noop: [] }
  const deltas = { service: [], noop: [] }
  const seen = new Set()
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so neither always runs right after the other's build-up.
    const order = round % 2 ? ['service', 'noop'] : ['noop', 'service']
    for (const name of order) {
      const result = checkStartup(name === 'service' ? service : noop)
      samples[name].push(result.ms)
      deltas[name].push(result.deltas)
      if (name === 'service') for (const module of result.seen) seen.add(module)
    }
    console.log(`round ${round}: service ${samples.service.at(-1)} ms, no-op ${samples.noop.at(-1)} ms`)
  }
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  // Sampling may miss a small module, but the largest start-up chunk takes milliseconds to evaluate:
  // if no profile shows it, the service did not start as deployed.
  const largest = startup.filter((m) => m.name !== mainName).sort((a, b) => b.raw - a.raw)[0]
  if (largest && !seen.has(largest.name)) throw new Error(`no profile of the service shows ${largest.name}: did its start-up modules load?`)
  console.log(`uploaded modules seen in the service's profiles: ${[...seen].filter((name) => serviceUpload.modules.has(name)).sort().join(', ')}`)
  console.log(`median active start-up CPU: service ${median(samples.service).toFixed(1)} ms, no-op ${median(samples.noop).toFixed(1)} ms`)
  // The ratio is of the means: the profiler samples a few ms apart, irregularly, so a start-up of a
  // few ms often gets no active sample at all (0.0 ms) and the reference's median can be 0; the mean
  // of sampled time is what converges to the CPU spent.
  const s = mean(samples.service)
  const n = mean(samples.noop)
  console.log(`mean active start-up CPU: service ${s.toFixed(1)} ms, no-op ${n.toFixed(1)} ms, ratio ${(s / n).toFixed(2)} (target ≤ 2)`)
  // A second estimate, not the target's: the profiler takes no sample for the first 10–13 ms or so
  // of a start-up, and `wrangler check startup` counts that whole gap as active when the sample
  // ending it lands in code rather than in (idle); it does whenever the start-up lasts longer than
  // the gap. Counting each active sample as at most two sampling intervals (the median delta of the
  // run) leaves what the samples themselves saw.
  const all = [...deltas.service, ...deltas.noop].flat().map((d) => d.ms)
  const interval = median(all)
  const sampled = (profiles) => mean(profiles.map((p) => p.filter((d) => d.active).reduce((sum, d) => sum + Math.min(d.ms, 2 * interval), 0)))
  console.log(`mean active samples, each at most ${(2 * interval).toFixed(1)} ms (2 × the ${interval.toFixed(1)} ms interval): service ${sampled(deltas.service).toFixed(1)} ms, no-op ${sampled(deltas.noop).toFixed(1)} ms`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
