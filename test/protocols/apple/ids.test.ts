import { describe, expect, it } from 'vitest'
import { davRoles, deriveProfileIds, reverseDomain, uuidV5 } from '../../../src/protocols/apple/ids'
import type { EmailAddress } from '../../../src/core/model'
import { aDavServer } from '../../support/build'

const who = (localPart: string, domain = 'example.net'): EmailAddress => ({ localPart, domain, address: `${localPart}@${domain}` })
const UUID_V5 = /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/

describe('uuidV5', () => {
  it('matches the RFC 9562 test vector (DNS namespace, www.example.com)', async () => {
    expect(await uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ED6657D-E927-568B-95E1-2665A8AEA6A2')
  })
})

describe('reverseDomain', () => {
  it.each([
    ['example.net', 'net.example'],
    ['mail.xn--bcher-kva.example', 'example.xn--bcher-kva.mail'],
  ])('%s → %s', (domain, reversed) => expect(reverseDomain(domain)).toBe(reversed))
})

describe('deriveProfileIds', () => {
  // docs/clients.md §3.5, §3.5: same address → same identifiers, so a new download replaces.
  it('is stable across calls', async () => {
    const dav = [aDavServer(), aDavServer({ type: 'carddav' })]
    expect(await deriveProfileIds(who('alice'), dav)).toEqual(await deriveProfileIds(who('alice'), dav))
  })

  // §3.5 recommendation: derived from the lowercased address.
  it('ignores the case of the address', async () => {
    expect(await deriveProfileIds(who('Alice'), [])).toEqual(await deriveProfileIds(who('alice'), []))
  })

  it('differs between addresses, also within one domain', async () => {
    const [a, b, c] = await Promise.all([deriveProfileIds(who('alice'), []), deriveProfileIds(who('bob'), []), deriveProfileIds(who('alice', 'example.org'), [])])
    const all = [a, b, c].flatMap((ids) => [ids.profile.uuid, ids.mail.uuid, ids.profile.identifier])
    expect(new Set(all).size).toBe(all.length)
  })

  // §3.2: PayloadIdentifier unique within the profile; UUIDs too.
  it('gives every payload its own identifier and UUIDv5, under the reversed domain', async () => {
    const ids = await deriveProfileIds(who('alice'), [aDavServer(), aDavServer({ type: 'carddav' }), aDavServer()])
    const payloads = [ids.profile, ids.mail, ...ids.dav]
    expect(ids.profile.identifier).toMatch(/^net\.example\.mailconf\.[0-9a-f]{32}$/)
    expect(payloads.map((p) => p.identifier.slice(ids.profile.identifier.length))).toEqual(['', '.mail', '.caldav.0', '.carddav.0', '.caldav.1'])
    for (const p of payloads) expect(p.uuid).toMatch(UUID_V5)
    expect(new Set(payloads.map((p) => p.uuid)).size).toBe(payloads.length)
  })

  it('never puts the address itself into an identifier', async () => {
    const ids = await deriveProfileIds(who('secret.person'), [])
    expect(JSON.stringify(ids)).not.toContain('secret')
  })
})

describe('davRoles', () => {
  it('numbers DAV servers per type, in order', () => {
    expect(davRoles([aDavServer({ type: 'carddav' }), aDavServer(), aDavServer({ type: 'carddav' })])).toEqual(['carddav.0', 'caldav.0', 'carddav.1'])
  })
})
