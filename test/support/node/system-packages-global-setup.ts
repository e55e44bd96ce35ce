/**
 * vitest globalSetup, first of the run: stops before any suite when a system package the tests
 * run for real is missing, and says how to install it (scripts/system-packages.mjs owns the list).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../../../scripts/system-packages.mjs', import.meta.url))

export default function setup(): void {
  const check = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' })
  if (check.status === 0) return
  // The script's message is the whole story; a stack trace of this file would only hide it.
  process.stderr.write(`\n${check.stderr || check.error?.message || 'scripts/system-packages.mjs failed'}\n`)
  process.exit(1)
}
