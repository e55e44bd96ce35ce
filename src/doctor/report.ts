/**
 * The doctor's report (`mailconf doctor`, `GET /admin/doctor/<domain>`): one check per mechanism a
 * client uses, each with what the service's own data says should be there, what is live, and the
 * fix. Pure: no network here (the probes are in src/node/doctor/).
 */

/**
 * `pass`: live equals what the data says. `missing`: nothing is published where something should
 * be. `drift`: something else answers (a stale record, cache, server or deployment). `warn`: works
 * for the clients that matter but could be better, or an optional source fails. `error`: clients
 * fail here (no certificate, an unreachable host, an answer clients reject).
 */
export type CheckStatus = 'pass' | 'missing' | 'drift' | 'warn' | 'error'

export interface Check {
  /** Stable and greppable: `srv:_imaps._tcp`, `cname:autoconfig`, `tls:<host>`, `https:autoconfig`, … */
  readonly id: string
  readonly status: CheckStatus
  readonly expected: string
  readonly found: string
  /** The exact record or setting that makes the check pass; null when there is nothing to do. */
  readonly fix: string | null
}

export interface DoctorReport {
  readonly domain: string
  readonly checks: readonly Check[]
}

/** The statuses that make `mailconf doctor` exit 1. */
const FAILING: ReadonlySet<CheckStatus> = new Set(['missing', 'drift', 'error'])

export const reportFails = (report: DoctorReport): boolean => report.checks.some((check) => FAILING.has(check.status))

const STATUSES: readonly CheckStatus[] = ['pass', 'missing', 'drift', 'warn', 'error']

/** `12 pass, 1 missing, 1 drift, 3 warn, 1 error`. */
export function summaryOf(report: DoctorReport): string {
  return STATUSES.map((status) => `${report.checks.filter((check) => check.status === status).length} ${status}`).join(', ')
}

/**
 * One line per check, tab-separated: status, id, expected, found, fix (the fix only when there is
 * one). Every value is already `shown()`, so no field holds a tab or a line break.
 */
export function reportLines(report: DoctorReport): string[] {
  return report.checks.map((check) =>
    [check.status, check.id, `expected ${check.expected}`, `found ${check.found}`, ...(check.fix === null ? [] : [`fix ${check.fix}`])].join('\t'),
  )
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: a terminal would act on
// them (escape sequences), and a line break or tab would split the one-line-per-check output.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu
const MAX_SHOWN = 200

/**
 * Text that came from the network (a record, a header, a body), made safe to print: control
 * characters become `\xNN` (or `\uNNNN`) escapes, and anything past `max` characters is cut with an ellipsis.
 */
export function shown(text: string, max = MAX_SHOWN): string {
  const escaped = text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0)
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped
}

/** A check whose values are all made printable (network text may reach any of them). */
export function check(id: string, status: CheckStatus, expected: string, found: string, fix: string | null = null): Check {
  return { id: shown(id, 100), status, expected: shown(expected, 400), found: shown(found, 400), fix: fix === null ? null : shown(fix, 600) }
}
