#!/usr/bin/env node
// `npm run bench:brute-force -- [--target node|worker|both] [--seconds 30] [--clients 10] [--attackers 40]`
//
// What a brute force of the admin token costs everyone else: `clients` send Autoconfig requests
// back to back for `seconds` alone (baseline), then again while `attackers` hammer /admin/providers
// with wrong tokens. Prints the config latency of both phases and the attack rate; every config
// answer must still be 200 and every guess 401 (no rate-limit binding is configured here).
import { parseArgs } from 'node:util'
import { loadAverage, START } from './soak-servers.mjs'

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'node' },
    seconds: { type: 'string', default: '30' },
    clients: { type: 'string', default: '10' },
    attackers: { type: 'string', default: '40' },
  },
})
const targets = values.target === 'both' ? ['node', 'worker'] : [values.target]
const phaseMs = Number(values.seconds) * 1000

const percentile = (sorted, p) => +(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(1)

async function loop(stopAt, send, expected, tally) {
  while (Date.now() < stopAt) {
    const t0 = performance.now()
    try {
      const response = await send(tally.n++)
      await response.arrayBuffer()
      tally.latencies.push(performance.now() - t0)
      if (response.status !== expected) tally.unexpected++
    } catch {
      tally.unexpected++
    }
  }
}

async function phase(target, attackers) {
  const stopAt = Date.now() + phaseMs
  const config = { n: 0, latencies: [], unexpected: 0 }
  const attack = { n: 0, latencies: [], unexpected: 0 }
  const configRequest = (n) => fetch(new URL(`/mail/config-v1.1.xml?emailaddress=user${n}%40example.com`, target.url))
  const guess = (n) => fetch(new URL('/admin/providers', target.url), { headers: { Authorization: `Bearer guess-${n}-${(n * 2654435761) % 1e9}` } })
  const loadBefore = loadAverage()
  await Promise.all([
    ...Array.from({ length: Number(values.clients) }, () => loop(stopAt, configRequest, 200, config)),
    ...Array.from({ length: attackers }, () => loop(stopAt, guess, 401, attack)),
  ])
  const sorted = config.latencies.sort((a, b) => a - b)
  return {
    attackers,
    config_requests_per_s: Math.round(sorted.length / (phaseMs / 1000)),
    config_latency_ms: { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) },
    config_unexpected: config.unexpected,
    guesses_per_s: Math.round(attack.latencies.length / (phaseMs / 1000)),
    guesses_not_401: attack.unexpected,
    load: `${loadBefore} → ${loadAverage()}`,
  }
}

for (const name of targets) {
  const target = await START[name]({ logLevel: 'warn' })
  try {
    const baseline = await phase(target, 0)
    const underAttack = await phase(target, Number(values.attackers))
    console.log(JSON.stringify({ target: name, clients: Number(values.clients), seconds_per_phase: phaseMs / 1000, baseline, under_attack: underAttack }, null, 2))
  } finally {
    await target.stop()
  }
}
