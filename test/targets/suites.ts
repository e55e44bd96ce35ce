/**
 * Every protocol suite (each `*.suite.ts` under test/): each exports functions `describe…(target)` that run
 * its tests against a ProtocolTarget (test/support/target.ts). A runner per target calls all of
 * them, so a new suite runs on every target without a line elsewhere.
 */
import type { ProtocolTarget } from '../support/target'

type SuiteModule = Record<string, unknown>

const modules = import.meta.glob<SuiteModule>('../**/*.suite.ts', { eager: true })

export function describeEverySuite(target: ProtocolTarget): void {
  for (const path of Object.keys(modules).sort()) {
    for (const [name, exported] of Object.entries(modules[path] ?? {})) {
      if (name.startsWith('describe') && typeof exported === 'function') exported(target)
    }
  }
}
