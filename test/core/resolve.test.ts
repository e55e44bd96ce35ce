import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../../src/core/address'
import { createD1Db } from '../../src/db/client'
import { cachedDocument, resolveAccount, resolveDocument, type FindUser, type ResolveDeps } from '../../src/core/resolve'
import { DomainCache } from '../../src/db/domain-cache'
import type { ResolvedAccount } from '../../src/core/account'
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

describe('resolveDocument', () => {
  const cached = (findUser?: FindUser): ResolveDeps => ({
    db: createD1Db(env.DB),
    cache: new DomainCache({ ttlMs: 60_000, maxEntries: 10 }),
    ...(findUser ? { directory: () => findUser } : {}),
  })
  const renderer = () => {
    const seen: (ResolvedAccount['who'])[] = []
    const render = (account: ResolvedAccount) => {
      seen.push(account.who)
      return { status: 200 as const, body: `${account.domain} ${account.servers.map((s) => s.usernameTemplate).join(' ')} #${seen.length}` }
    }
    return { seen, render }
  }

  it('renders the document of a domain once per cache entry, from the account without a user, for every user', async () => {
    const deps = cached()
    const { seen, render } = renderer()
    const first = await resolveDocument(deps, { domain: 'plain.example', who: address('a@plain.example') }, 'k', render)
    const second = await resolveDocument(deps, { domain: 'plain.example', who: address('b@plain.example') }, 'k', render)
    expect(first).toEqual({ status: 200, body: 'plain.example %EMAILADDRESS% %EMAILADDRESS% #1', perUser: false })
    expect(second).toEqual(first)
    expect(seen).toEqual([null])
    // Another key is another document.
    expect((await resolveDocument(deps, { domain: 'plain.example', who: null }, 'other', render))?.body).toMatch(/#2$/)
  })

  it('renders again once the cache is cleared (an admin write)', async () => {
    const deps = cached()
    const { seen, render } = renderer()
    await resolveDocument(deps, { domain: 'plain.example', who: null }, 'k', render)
    deps.cache?.clear()
    expect((await resolveDocument(deps, { domain: 'plain.example', who: null }, 'k', render))?.body).toMatch(/#2$/)
    expect(seen).toHaveLength(2)
  })

  it('renders every time without a cache', async () => {
    const { seen, render } = renderer()
    const deps: ResolveDeps = { db: createD1Db(env.DB) }
    await resolveDocument(deps, { domain: 'plain.example', who: null }, 'k', render)
    await resolveDocument(deps, { domain: 'plain.example', who: null }, 'k', render)
    expect(seen).toEqual([null, null])
  })

  it('renders the document of a directory user for that user every time, and never keeps it', async () => {
    const findUser: FindUser = async (_ldap, who) => ({ loginName: who.localPart, displayName: null })
    const deps = cached(findUser)
    const { seen, render } = renderer()
    const john = await resolveDocument(deps, { domain: 'dir.example', who: address('john@dir.example') }, 'k', render)
    const jane = await resolveDocument(deps, { domain: 'dir.example', who: address('jane@dir.example') }, 'k', render)
    expect(john).toEqual({ status: 200, body: 'dir.example john john #1', perUser: true })
    expect(jane).toEqual({ status: 200, body: 'dir.example jane jane #2', perUser: true })
    expect(seen.map((who) => who?.address)).toEqual(['john@dir.example', 'jane@dir.example'])
  })

  it('answers null for a domain nobody serves, without rendering', async () => {
    const { seen, render } = renderer()
    expect(await resolveDocument(cached(), { domain: 'nowhere.example', who: null }, 'k', render)).toBeNull()
    expect(seen).toEqual([])
  })
})

describe('cachedDocument: what resolveDocument answers from the cache alone', () => {
  const renderer = () => {
    let count = 0
    return (account: ResolvedAccount) => ({ status: 200 as const, body: `${account.domain} #${++count}` })
  }

  it('is undefined until the domain is cached, then the very document resolveDocument keeps', async () => {
    const cache = new DomainCache({ ttlMs: 60_000, maxEntries: 10 })
    const deps: ResolveDeps = { db: createD1Db(env.DB), cache }
    const render = renderer()
    expect(cachedDocument(cache, { domain: 'plain.example', who: address('a@plain.example') }, 'k', render)).toBeUndefined()
    const resolved = await resolveDocument(deps, { domain: 'plain.example', who: address('a@plain.example') }, 'k', render)
    expect(resolved).toEqual({ status: 200, body: 'plain.example #1', perUser: false })
    expect(cachedDocument(cache, { domain: 'plain.example', who: address('b@plain.example') }, 'k', render)).toEqual({ status: 200, body: 'plain.example #1' })
    expect(cachedDocument(cache, { domain: 'plain.example', who: null }, 'k', render)).toEqual({ status: 200, body: 'plain.example #1' })
    // Another key is rendered from the cached data, once, and kept.
    expect(cachedDocument(cache, { domain: 'plain.example', who: null }, 'other', render)?.body).toBe('plain.example #2')
    expect((await resolveDocument(deps, { domain: 'plain.example', who: null }, 'other', render))?.body).toBe('plain.example #2')
  })

  it('leaves unknown domains, per-user documents and expired entries to resolveDocument', async () => {
    let now = 0
    const cache = new DomainCache({ ttlMs: 1_000, maxEntries: 10, now: () => now })
    const findUser: FindUser = async (_ldap, who) => ({ loginName: who.localPart, displayName: null })
    const deps: ResolveDeps = { db: createD1Db(env.DB), cache, directory: () => findUser }
    const render = renderer()
    expect(await resolveDocument(deps, { domain: 'nowhere.example', who: null }, 'k', render)).toBeNull()
    expect(cachedDocument(cache, { domain: 'nowhere.example', who: null }, 'k', render)).toBeUndefined()
    expect((await resolveDocument(deps, { domain: 'dir.example', who: address('john@dir.example') }, 'k', render))?.perUser).toBe(true)
    expect(cachedDocument(cache, { domain: 'dir.example', who: address('john@dir.example') }, 'k', render)).toBeUndefined()
    // Without a user a directory domain's document is everyone's (placeholders), so it is kept.
    expect(cachedDocument(cache, { domain: 'dir.example', who: null }, 'k', render)?.body).toBe('dir.example #2')
    now = 1_000
    expect(cachedDocument(cache, { domain: 'dir.example', who: null }, 'k', render)).toBeUndefined()
  })
})
