/** Which directory hosts may be dialled (src/directory/policy.ts). */
import { describe, expect, it } from 'vitest'
import { isNonPublicAddress, refusedHost } from '../../src/directory/policy'

describe('isNonPublicAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['192.0.2.1', false],
    ['::1', true],
    ['[::1]', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2001:db8::1', false],
  ])('%s → %s', (address, expected) => {
    expect(isNonPublicAddress(address)).toBe(expected)
  })
})

describe('refusedHost', () => {
  const resolveTo = (addresses: string[]) => async () => addresses

  it.each([
    ['a loopback literal', '127.0.0.1', undefined, true],
    ['localhost', 'LocalHost', undefined, true],
    ['a link-local literal (cloud metadata)', '169.254.169.254', undefined, true],
    ['a public literal', '198.51.100.7', undefined, false],
    ['a name resolving to a private address', 'ldap.corp.example', resolveTo(['10.0.0.5']), true],
    ['a name resolving to public addresses only', 'ldap.example.com', resolveTo(['198.51.100.7', '2001:db8::7']), false],
    ['a name where nothing resolves names (Workers)', 'ldap.corp.example', undefined, false],
  ])('%s', async (_case, host, resolve, refused) => {
    expect((await refusedHost(host, resolve)) !== null).toBe(refused)
  })

  it('says why without more than the host and the address', async () => {
    expect(await refusedHost('ldap.corp.example', resolveTo(['10.0.0.5']))).toBe('ldap.corp.example resolves to 10.0.0.5, which is not a public address')
  })
})
