import { describe, expect, it } from 'vitest'
import { check, reportFails, reportLines, shown, summaryOf, type CheckStatus, type DoctorReport } from '../../src/doctor/report'

const report = (...statuses: CheckStatus[]): DoctorReport => ({ domain: 'example.com', checks: statuses.map((status, i) => check(`c${i}`, status, 'e', 'f', status === 'pass' ? null : 'x')) })

describe('shown', () => {
  it.each([
    ['plain text', 'imap.example.com', 'imap.example.com'],
    ['an escape sequence', '\u001b[31mred', '\\x1b[31mred'],
    ['a line break and a tab', 'a\nb\tc\r', 'a\\x0ab\\x09c\\x0d'],
    ['C1 controls and DEL', 'a\u009bb\u007f', 'a\\x9bb\\x7f'],
    ['Unicode line separators', 'a\u2028b', 'a\\u2028b'],
    ['non-ASCII letters', 'bücher.example', 'bücher.example'],
  ])('%s', (_case, text, expected) => {
    expect(shown(text)).toBe(expected)
  })

  it('cuts long text with an ellipsis', () => {
    expect(shown('x'.repeat(300), 10)).toBe(`${'x'.repeat(10)}…`)
  })
})

describe('check', () => {
  it('makes every field printable', () => {
    expect(check('i\nd', 'drift', 'e\te', '\u001bf', 'fix\n')).toEqual({ id: 'i\\x0ad', status: 'drift', expected: 'e\\x09e', found: '\\x1bf', fix: 'fix\\x0a' })
  })
})

describe('reportFails', () => {
  it.each([
    [['pass', 'warn'], false],
    [[], false],
    [['pass', 'missing'], true],
    [['drift'], true],
    [['warn', 'error'], true],
  ] as [CheckStatus[], boolean][])('%j → %s', (statuses, fails) => {
    expect(reportFails(report(...statuses))).toBe(fails)
  })
})

describe('reportLines and summaryOf', () => {
  it('writes one tab-separated line per check, the fix only when there is one', () => {
    expect(reportLines(report('pass', 'missing'))).toEqual(['pass\tc0\texpected e\tfound f', 'missing\tc1\texpected e\tfound f\tfix x'])
  })

  it('counts every status', () => {
    expect(summaryOf(report('pass', 'pass', 'warn', 'error'))).toBe('2 pass, 0 missing, 0 drift, 1 warn, 1 error')
  })
})
