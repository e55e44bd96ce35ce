import { describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../src/core/address'
import { expandPlaceholders } from '../src/core/placeholders'

const who = (() => {
  const parsed = parseEmailAddress('Jane.Doe+news@Example.NET')
  if (!parsed.ok) throw new Error('fixture')
  return parsed.value
})()

describe('expandPlaceholders', () => {
  // protocols.md §1.4 "Placeholders": local part as typed, domain lowercased.
  it.each([
    ['%EMAILADDRESS%', 'Jane.Doe+news@example.net'],
    ['%EMAILLOCALPART%', 'Jane.Doe+news'],
    ['%EMAILDOMAIN%', 'example.net'],
    ['%EMAILLOCALPART%@corp.%EMAILDOMAIN%', 'Jane.Doe+news@corp.example.net'],
    ['fixed-user', 'fixed-user'],
    ['%UNKNOWN%', '%UNKNOWN%'],
  ])('expands %s', (template, expected) => {
    expect(expandPlaceholders(template, who)).toBe(expected)
  })

  it('does not re-expand placeholders that appear in the address itself', () => {
    const tricky = parseEmailAddress('%EMAILDOMAIN%@example.net')
    if (!tricky.ok) throw new Error('fixture')
    expect(expandPlaceholders('%EMAILADDRESS%', tricky.value)).toBe('%EMAILDOMAIN%@example.net')
  })
})
