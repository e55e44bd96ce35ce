import { describe, expect, it } from 'vitest'
import { cacheTtlMs, DomainCache } from '../../src/db/domain-cache'
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
