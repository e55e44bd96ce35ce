/** toAccount: every per-user rule, applied once for every format (src/core/account.ts). */
import { describe, expect, it } from 'vitest'
import { toAccount } from '../../src/core/account'
import { parseEmailAddress } from '../../src/core/address'
import type { EmailAddress, UserIdentity } from '../../src/core/model'
import { aDavServer, aDomainConfig, aServer } from '../support/build'

const address = (text: string): EmailAddress => {
  const parsed = parseEmailAddress(text)
  if (!parsed.ok) throw new Error(text)
  return parsed.value
}
const JANE = address('Jane.Doe@Example.NET')
const SOGO = 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/personal/'

describe('toAccount', () => {
  it.each<[string, EmailAddress | null, UserIdentity | null, string, string]>([
    // docs/clients.md §5.12: Autoconfig clients substitute placeholders, the others do not.
    ['no user: the template both ways', null, null, '%EMAILLOCALPART%', '%EMAILLOCALPART%'],
    ['a user: expanded for formats that do not substitute', JANE, null, '%EMAILLOCALPART%', 'Jane.Doe'],
    ['a directory login wins everywhere', JANE, { loginName: 'jdoe', displayName: null }, 'jdoe', 'jdoe'],
    ['a directory entry without a login keeps the template', JANE, { loginName: null, displayName: 'Jane' }, '%EMAILLOCALPART%', 'Jane.Doe'],
  ])('usernames: %s', (_case, who, identity, template, expanded) => {
    const config = aDomainConfig({ servers: [aServer({ username: '%EMAILLOCALPART%' })], davServers: [aDavServer({ username: '%EMAILLOCALPART%' })] })
    const account = toAccount({ config, who, identity })
    for (const server of [...account.servers, ...account.davServers]) {
      expect([server.usernameTemplate, server.username]).toEqual([template, expanded])
    }
  })

  // §3.4, §2.3: Apple's PrincipalURL and Outlook's Server are used literally.
  it('expands DAV URLs for a user and keeps the template beside them', () => {
    const account = toAccount({ config: aDomainConfig({ davServers: [aDavServer({ url: SOGO })] }), who: JANE, identity: null })
    expect(account.davServers[0]).toMatchObject({
      urlTemplate: SOGO,
      url: 'https://dav.example.net/SOGo/dav/Jane.Doe@example.net/Calendar/personal/',
      contextPath: '/SOGo/dav/',
    })
    const anonymous = toAccount({ config: aDomainConfig({ davServers: [aDavServer({ url: SOGO })] }), who: null, identity: null })
    expect(anonymous.davServers[0]?.url).toBe(SOGO)
  })

  it.each<[string, string | null, UserIdentity | null, string | null]>([
    ['what the user typed', 'Jane D.', { loginName: null, displayName: 'Jane from LDAP' }, 'Jane D.'],
    ['the directory name when nothing was typed', null, { loginName: null, displayName: 'Jane from LDAP' }, 'Jane from LDAP'],
    ['a blank typed name counts as none', '  ', { loginName: null, displayName: 'Jane from LDAP' }, 'Jane from LDAP'],
    ['nothing at all', null, null, null],
  ])('display name: %s', (_case, typedName, identity, expected) => {
    expect(toAccount({ config: aDomainConfig(), who: JANE, identity, typedName }).displayName).toBe(expected)
  })

  // §1.6, §5.10: a plain entry only where its protocol has no encrypted one; the order is kept.
  it('offers servers preferred first, without plain ones beside encrypted ones', () => {
    const config = aDomainConfig({
      servers: [
        aServer({ hostname: 'imap.example.net' }),
        aServer({ hostname: 'plain.example.net', socketType: 'plain', port: 143 }),
        aServer({ type: 'pop', hostname: 'pop.example.net', socketType: 'plain', port: 110 }),
        aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465 }),
      ],
    })
    const account = toAccount({ config, who: null, identity: null })
    expect(account.servers.map((s) => s.hostname)).toEqual(['imap.example.net', 'pop.example.net', 'smtp.example.net'])
    expect(account.primary).toMatchObject({ ok: true, value: { incoming: { hostname: 'imap.example.net' }, outgoing: { hostname: 'smtp.example.net' } } })
  })

  it('names the missing server of formats that hold one of each', () => {
    const account = toAccount({ config: aDomainConfig({ servers: [aServer()] }), who: JANE, identity: null })
    expect(account.primary).toEqual({ ok: false, error: 'outgoing' })
  })

  it.each<[string, EmailAddress | null, boolean, boolean]>([
    ['a directory domain and a user', JANE, true, true],
    ['a directory domain without a user', null, true, false],
    ['a user without a directory', JANE, false, false],
  ])('is per user for %s', (_case, who, directory, perUser) => {
    const ldap = directory ? { id: 1, host: 'ldap.example.net', port: 636, useSsl: true, searchBase: 'dc=x', searchFilter: '(mail={0})', attrUid: 'uid', attrCn: 'cn', bindUser: null, bindPassword: null } : null
    expect(toAccount({ config: aDomainConfig({ ldap }), who, identity: null }).perUser).toBe(perUser)
  })
})
