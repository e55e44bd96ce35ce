import { describe, expect, it } from 'vitest'
import { DEFAULT_LDAP_TIMEOUT_MS, parseLdapTimeout, readStringBinding, resolveBindPassword } from '../../src/directory/settings'

describe('parseLdapTimeout', () => {
  it.each([
    [undefined, DEFAULT_LDAP_TIMEOUT_MS],
    ['', DEFAULT_LDAP_TIMEOUT_MS],
    ['1500', 1500],
    [' 250 ', 250],
    ['1', 1],
    ['30000', 30000],
    ['30001', DEFAULT_LDAP_TIMEOUT_MS],
    ['0', DEFAULT_LDAP_TIMEOUT_MS],
    ['-5', DEFAULT_LDAP_TIMEOUT_MS],
    ['2.5', DEFAULT_LDAP_TIMEOUT_MS],
    ['3s', DEFAULT_LDAP_TIMEOUT_MS],
  ])('%j → %d', (input, expected) => {
    expect(parseLdapTimeout(input)).toBe(expected)
  })
})

describe('resolveBindPassword', () => {
  const secrets: Record<string, string> = { LDAP_BIND_PASSWORD: 's3cret', LDAP_EMPTY: '' }
  const read = (name: string) => secrets[name]

  it.each([
    ['no password: anonymous or empty', null, { ok: true, value: '' }],
    ['stored in the row (automx2)', 'plain-password', { ok: true, value: 'plain-password' }],
    ['env: reference to a set secret', 'env:LDAP_BIND_PASSWORD', { ok: true, value: 's3cret' }],
    ['env: reference to an unset secret', 'env:LDAP_OTHER', { ok: false, error: 'missing-secret' }],
    ['env: reference to an empty secret', 'env:LDAP_EMPTY', { ok: false, error: 'missing-secret' }],
    ['env: reference outside LDAP_', 'env:ADMIN_TOKEN', { ok: false, error: 'invalid-secret-name' }],
    ['env: reference with a bad name', 'env:LDAP_x-y', { ok: false, error: 'invalid-secret-name' }],
    ['env: with nothing after it', 'env:', { ok: false, error: 'invalid-secret-name' }],
    ['a password merely containing env:', 'my-env:LDAP_BIND_PASSWORD', { ok: true, value: 'my-env:LDAP_BIND_PASSWORD' }],
  ])('%s', (_what, stored, expected) => {
    expect(resolveBindPassword(stored, read)).toEqual(expected)
  })
})

describe('readStringBinding', () => {
  it('returns string bindings only', () => {
    const env = { LDAP_A: 'x', DB: { prepare() {} }, COUNT: 3 }
    expect(readStringBinding(env, 'LDAP_A')).toBe('x')
    expect(readStringBinding(env, 'DB')).toBeUndefined()
    expect(readStringBinding(env, 'COUNT')).toBeUndefined()
    expect(readStringBinding(env, 'MISSING')).toBeUndefined()
  })
})
