/** zod issues → problems naming the offending field, the one error shape of seeding and the admin API. */
import type { z } from 'zod'

export interface Problem {
  /** JSON path of the offending value, e.g. `servers[2].port`; empty for the document itself. */
  readonly path: string
  readonly message: string
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('')
}

export function toProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue) }))
}
