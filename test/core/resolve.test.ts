import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../../src/core/address'
import { createD1Db } from '../../src/db/client'
import { resolveAccount, type FindUser, type ResolveDeps } from '../../src/core/resolve'
import type { EmailAddress } from '../../src/core/model'
import { resetDatabase, seed } from '../support/worker'

const address = (text: string): EmailAddress => {
  const parsed = parseEmailAddress(text)
  if (!parsed.ok) throw new Error(text)
  return parsed.value
}

const LDAP_SEED = {
  version: 2,
  provider: 'Dir Co',
  domains: [{ name: 'dir.example', ldapserver_id: 1 }, { name: 'plain.example' }],
  ldapservers: [{ id: 1, name: 'ldap.dir.example', search_base: 'dc=dir,dc=example' }],
  servers: [{ type: 'imap', name: 'imap.dir.example' }, { type: 'smtp', name: 'smtp.dir.example' }],
}

beforeEach(async () => {
  await resetDatabase()
  await seed(LDAP_SEED)
})

describe('resolveAccount', () => {
  const deps = (findUser?: FindUser): ResolveDeps => ({ db: createD1Db(env.DB), ...(findUser ? { directory: () => findUser } : {}) })

  it('answers null for a domain nobody serves', async () => {
    expect(await resolveAccount(deps(), { domain: 'nowhere.example', who: null })).toBeNull()
  })

  it('asks the directory of an LDAP domain and puts what it found into the account', async () => {
    const asked: string[] = []
    const findUser: FindUser = async (ldap, who) => {
      asked.push(`${ldap.host} ${who.address}`)
      return { loginName: 'jdoe', displayName: 'John Doe' }
    }
    const account = await resolveAccount(deps(findUser), { domain: 'dir.example', who: address('john@dir.example') })
    expect(account).toMatchObject({ displayName: 'John Doe', perUser: true })
    expect(account?.servers.map((s) => [s.username, s.usernameTemplate])).toEqual([['jdoe', 'jdoe'], ['jdoe', 'jdoe']])
    expect(asked).toEqual(['ldap.dir.example john@dir.example'])
  })

  it('does not ask a directory for a domain without one, or without an address', async () => {
    const findUser: FindUser = async () => {
      throw new Error('must not be called')
    }
    const plain = await resolveAccount(deps(findUser), { domain: 'plain.example', who: address('a@plain.example') })
    expect(plain).toMatchObject({ displayName: null, perUser: false })
    expect(plain?.servers[0]?.username).toBe('a@plain.example')
    expect(await resolveAccount(deps(findUser), { domain: 'dir.example', who: null })).toMatchObject({ displayName: null, perUser: false })
  })

  it('lets a directory outage through to the protocol router', async () => {
    const findUser: FindUser = async () => {
      throw new Error('connect ECONNREFUSED')
    }
    await expect(resolveAccount(deps(findUser), { domain: 'dir.example', who: address('a@dir.example') })).rejects.toThrow('connect ECONNREFUSED')
  })
})
