import { describe, expect, it } from 'vitest'
import { cacheTtlMs, DomainCache, RenderedDocuments } from '../../src/db/domain-cache'
import { aDomainConfig } from '../support/build'

function clock(start = 1_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('DomainCache', () => {
  it('returns what was stored until the entry expires', () => {
    const time = clock()
    const cache = new DomainCache({ ttlMs: 60_000, maxEntries: 10, now: time.now })
    const config = aDomainConfig()
    cache.set('example.net', config)
    expect(cache.get('example.net')).toBe(config)
    time.advance(59_999)
    expect(cache.get('example.net')).toBe(config)
    time.advance(1)
    expect(cache.get('example.net')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('tells a cached unknown domain (null) from a miss (undefined)', () => {
    const cache = new DomainCache({ ttlMs: 1000, maxEntries: 10 })
    cache.set('nowhere.example', null)
    expect(cache.get('nowhere.example')).toBeNull()
    expect(cache.get('elsewhere.example')).toBeUndefined()
  })

  it('evicts the oldest entry beyond maxEntries', () => {
    const cache = new DomainCache({ ttlMs: 1000, maxEntries: 2 })
    cache.set('a.example', null)
    cache.set('b.example', null)
    cache.set('a.example', null) // refreshed: now the newest
    cache.set('c.example', null)
    expect(cache.get('b.example')).toBeUndefined()
    expect(cache.get('a.example')).toBeNull()
    expect(cache.get('c.example')).toBeNull()
  })

  it('stores nothing when the TTL is 0 (cache disabled)', () => {
    const cache = new DomainCache({ ttlMs: 0, maxEntries: 10 })
    cache.set('example.net', aDomainConfig())
    expect(cache.get('example.net')).toBeUndefined()
  })

  it('forgets everything on clear()', () => {
    const cache = new DomainCache({ ttlMs: 1000, maxEntries: 10 })
    cache.set('example.net', aDomainConfig())
    cache.clear()
    expect(cache.get('example.net')).toBeUndefined()
  })
})

describe('documents kept with an entry', () => {
  const rendering = () => {
    let count = 0
    return { render: () => ({ status: 200 as const, body: `document ${++count}` }), count: () => count }
  }

  it('renders a document once per key and entry', () => {
    const cache = new DomainCache({ ttlMs: 1000, maxEntries: 10 })
    const entry = cache.set('example.net', aDomainConfig())
    const { render, count } = rendering()
    expect(entry.documents.get('autoconfig', render)).toEqual({ status: 200, body: 'document 1' })
    expect(cache.entry('example.net')?.documents.get('autoconfig', render)).toEqual({ status: 200, body: 'document 1' })
    expect(entry.documents.get('other', render).body).toBe('document 2')
    expect(count()).toBe(2)
  })

  it('starts without documents when the entry is replaced or the cache cleared', () => {
    const cache = new DomainCache({ ttlMs: 1000, maxEntries: 10 })
    const { render } = rendering()
    cache.set('example.net', aDomainConfig()).documents.get('autoconfig', render)
    expect(cache.set('example.net', aDomainConfig()).documents.get('autoconfig', render).body).toBe('document 2')
    cache.clear()
    expect(cache.entry('example.net')).toBeUndefined()
  })

  it('keeps at most 16 documents per entry, and renders the others every time', () => {
    const documents = new RenderedDocuments()
    const { render, count } = rendering()
    for (let i = 0; i < 16; i++) documents.get(`host${i}`, render)
    documents.get('host16', render)
    documents.get('host16', render)
    documents.get('host0', render)
    expect(count()).toBe(18)
  })

  it('hands back an entry nothing keeps when the TTL is 0', () => {
    const cache = new DomainCache({ ttlMs: 0, maxEntries: 10 })
    const config = aDomainConfig()
    expect(cache.set('example.net', config).config).toBe(config)
    expect(cache.entry('example.net')).toBeUndefined()
  })
})

describe('cacheTtlMs', () => {
  it.each([
    [undefined, 60_000],
    ['', 60_000],
    ['0', 0],
    ['5', 5_000],
    ['0.5', 500],
    ['-1', 60_000],
    ['soon', 60_000],
  ])('%j → %i ms', (setting, expected) => {
    expect(cacheTtlMs(setting)).toBe(expected)
  })
})
