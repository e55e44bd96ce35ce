import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../src/core/address'
import { createD1Db } from '../src/db/client'
import { resolveAccount, type FindUser } from '../src/core/resolve'
import type { EmailAddress } from '../src/core/model'
import { resetDatabase, seed } from './support/worker'

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
  const db = () => createD1Db(env.DB)

  it('answers unknown-domain for a domain nobody serves', async () => {
    expect(await resolveAccount({ db: db() }, 'nowhere.example', null)).toEqual({ kind: 'unknown-domain' })
  })

  it('asks the directory of an LDAP domain and returns what it found', async () => {
    const asked: string[] = []
    const findUser: FindUser = async (ldap, who) => {
      asked.push(`${ldap.host} ${who.address}`)
      return { loginName: 'jdoe', displayName: 'John Doe' }
    }
    const result = await resolveAccount({ db: db(), findUser }, 'dir.example', address('john@dir.example'))
    expect(result).toMatchObject({ kind: 'found', user: { loginName: 'jdoe', displayName: 'John Doe' } })
    expect(asked).toEqual(['ldap.dir.example john@dir.example'])
  })

  it('does not ask a directory for a domain without one, or without an address', async () => {
    const findUser: FindUser = async () => {
      throw new Error('must not be called')
    }
    expect(await resolveAccount({ db: db(), findUser }, 'plain.example', address('a@plain.example'))).toMatchObject({ kind: 'found', user: null })
    expect(await resolveAccount({ db: db(), findUser }, 'dir.example', null)).toMatchObject({ kind: 'found', user: null })
  })

  it('reports a failing directory as directory-unavailable', async () => {
    const findUser: FindUser = async () => {
      throw new Error('connect ECONNREFUSED')
    }
    expect(await resolveAccount({ db: db(), findUser }, 'dir.example', address('a@dir.example'))).toEqual({
      kind: 'directory-unavailable',
      cause: 'connect ECONNREFUSED',
    })
  })
})
