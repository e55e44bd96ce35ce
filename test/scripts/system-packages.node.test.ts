/**
 * scripts/system-packages.mjs and the globalSetup that runs it first in `npm test`: a missing
 * package stops the run before any suite, naming the package and the command that installs it.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SCRIPT = 'scripts/system-packages.mjs'
const VITEST = 'node_modules/vitest/vitest.mjs'
// openssl, dbus-run-session and gcc are found on PATH; an empty PATH makes those three "missing"
// without touching the system.
const WITHOUT_PATH = { ...process.env, PATH: '/nonexistent' }

describe('scripts/system-packages.mjs', () => {
  it('prints nothing and exits 0 on a machine that has every package (as this one, after .ci/run)', () => {
    for (const args of [[SCRIPT], [SCRIPT, '--check']]) {
      const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout + result.stderr).toBe('')
    }
  })

  it('names a missing package, for CI to install', () => {
    const result = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8', env: WITHOUT_PATH })
    expect(result.status).toBe(0)
    expect(result.stdout).toBe('openssl dbus-daemon gcc\n')
  })

  it('stops `vitest run` before any suite, saying what is missing and how to install it', () => {
    const result = spawnSync(process.execPath, [VITEST, 'run', 'test/core/address.test.ts'], { cwd: ROOT, encoding: 'utf8', env: WITHOUT_PATH, timeout: 60_000 })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('these system packages are missing:\n  openssl: test certificates and verifying signed Apple profiles')
    expect(result.stderr).toContain('  gcc: compiling the Evolution lookup')
    expect(result.stderr).toContain('sudo apt-get update && sudo apt-get install -y openssl dbus-daemon gcc')
    expect(result.stdout).not.toContain('Test Files')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
