#!/usr/bin/env node
// `npm run fuzz -- [--runs N] [--seed S]`: the fuzz suite (test/app/fuzz.test.ts) with N runs
// per property instead of the CI default (a few hundred to 1,500), optionally replaying a seed
// fast-check printed for a failure. Runs in workerd through vitest like the rest of the suite.
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive whole number')
  process.exit(2)
}
const env = { ...process.env, FUZZ_RUNS: String(runs), ...(values.seed ? { FUZZ_SEED: values.seed } : {}) }
console.log(`fuzzing every public route: ${runs} runs per property${values.seed ? `, seed ${values.seed}` : ''}`)
const started = Date.now()
const result = spawnSync('node_modules/.bin/vitest', ['run', '--project', 'worker', 'test/app/fuzz.test.ts'], { stdio: 'inherit', env })
console.log(`done in ${Math.round((Date.now() - started) / 1000)} s`)
process.exit(result.status ?? 1)
