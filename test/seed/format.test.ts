import { describe, expect, it } from 'vitest'
import { parseSeed, type SeedPlan } from '../../src/seed/format'
import sample from '../../seed/sample.json'

const minimal = { version: 2, provider: 'Example Inc.', domains: [{ name: 'example.com' }], servers: [] }

function plan(document: unknown): SeedPlan {
  const result = parseSeed(document)
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value
}

// Plans hold a list of providers; these documents have one.
const domainsOf = (p: SeedPlan) => p.providers.flatMap((entry) => entry.domains)
const providerOf = (p: SeedPlan) => {
  const [entry] = p.providers
  if (!entry) throw new Error('expected one provider')
  return entry.provider
}

function problems(document: unknown) {
  const result = parseSeed(document)
  if (result.ok) throw new Error('expected the seed to be refused')
  return result.error
}

describe('parseSeed', () => {
  it('accepts the bundled sample data', () => {
    const p = plan(sample)
    expect(domainsOf(p).map((d) => d.name)).toEqual(['example.com', 'example.net', 'example.org'])
    expect(p.servers.map((s) => s.type)).toEqual(['imap', 'pop', 'smtp', 'smtp'])
    expect(p.davServers.map((d) => d.type)).toEqual(['caldav', 'carddav'])
    expect(p.activeSync).toEqual([])
  })

  // docs/clients.md §2.8: the mobilesync answer needs the domain's Exchange ActiveSync URL.
  it('plans an activesync server as the ActiveSync URL of the file, apart from the mail servers', () => {
    const url = 'https://eas.example.com/Microsoft-Server-ActiveSync'
    const p = plan({ ...minimal, servers: [{ type: 'imap', name: 'imap.example.com' }, { type: 'activesync', url }] })
    expect(p.activeSync).toEqual([{ url, domains: ['example.com'] }])
    expect(p.servers.map((s) => s.type)).toEqual(['imap'])
    expect(p.davServers).toEqual([])
  })

  it('applies automx2 defaults for ports, socket types, usernames and authentication', () => {
    const p = plan({
      ...minimal,
      servers: [
        { type: 'imap', name: 'imap.example.com' },
        { type: 'pop', name: 'pop.example.com' },
        { type: 'smtp', name: 'smtp.example.com' },
        { type: 'smtp', name: 'smtp.example.com', port: 587 },
        { type: 'imap', name: 'imap.example.com', port: 143 },
      ],
    })
    expect(p.servers.map((s) => [s.type, s.port, s.socket_type, s.prio])).toEqual([
      ['imap', 993, 'SSL', 10],
      ['pop', 995, 'SSL', 10],
      ['smtp', 465, 'SSL', 10],
      ['smtp', 587, 'STARTTLS', 10],
      ['imap', 143, 'STARTTLS', 10],
    ])
    expect(new Set(p.servers.map((s) => s.user_name))).toEqual(new Set(['%EMAILADDRESS%']))
    expect(new Set(p.servers.map((s) => s.authentication))).toEqual(new Set(['plain']))
  })

  it('derives the short name from the first word of the provider name', () => {
    expect(providerOf(plan(minimal))).toEqual({ name: 'Example Inc.', short_name: 'Example' })
    expect(providerOf(plan({ ...minimal, short_name: 'Ex' })).short_name).toBe('Ex')
  })

  // The landing page shows them (protocols/landing); older documents simply have none.
  it.each([
    ['version 2', { ...minimal }],
    ['version 1 (no version key)', { provider: 'Example Inc.', domains: ['example.com'] }],
    ['the multi-provider form', { version: 2, providers: [{ provider: 'Example Inc.', domains: ['example.com'] }] }],
  ])('carries a provider\'s logo and support fields in %s, normalised', (_case, document) => {
    const brand = { logo_url: 'https://CDN.example.com/logo.svg', support_url: 'https://help.example.com', support_email: ' help@example.com ' }
    const withBrand = 'providers' in document ? { ...document, providers: document.providers.map((p) => ({ ...p, ...brand })) } : { ...document, ...brand }
    expect(providerOf(plan(withBrand))).toEqual({
      name: 'Example Inc.',
      short_name: 'Example',
      logo_url: 'https://cdn.example.com/logo.svg',
      support_url: 'https://help.example.com/',
      support_email: 'help@example.com',
    })
    expect(providerOf(plan({ ...withBrand, ...('providers' in withBrand ? {} : { logo_url: null }) })).support_email).toBe('help@example.com')
    expect(providerOf(plan(document))).toEqual({ name: 'Example Inc.', short_name: 'Example' })
  })

  it('accepts version 1: no version key, domains as plain strings', () => {
    const p = plan({ provider: 'Old Co', domains: ['Example.COM', 'example.net'], servers: [{ type: 'imap', name: 'mail.example.com' }] })
    expect(domainsOf(p)).toEqual([
      { name: 'example.com', ldapserver_id: null },
      { name: 'example.net', ldapserver_id: null },
    ])
  })

  it('stores domains and host names lowercased in A-label form', () => {
    const p = plan({ ...minimal, domains: ['Bücher.Example'], servers: [{ type: 'imap', name: 'Mail.Bücher.Example' }] })
    expect(domainsOf(p)[0]?.name).toBe('xn--bcher-kva.example')
    expect(p.servers[0]?.name).toBe('mail.xn--bcher-kva.example')
  })

  it('derives DAV ports and TLS from the URL', () => {
    const p = plan({
      ...minimal,
      servers: [
        { type: 'caldav', url: 'https://dav.example.com/cal/' },
        { type: 'carddav', url: 'http://dav.example.com:8008/card/' },
      ],
    })
    expect(p.davServers.map((d) => [d.type, d.port, d.use_ssl])).toEqual([
      ['caldav', 443, true],
      ['carddav', 8008, false],
    ])
  })

  it('applies LDAP defaults and links domains to LDAP servers', () => {
    const p = plan({
      ...minimal,
      domains: [{ name: 'example.com', ldapserver_id: 42 }],
      ldapservers: [{ id: 42, name: 'ldap.example.com', search_base: 'ou=people,dc=example,dc=com', bind_user: 'cn=reader', bind_password: 's3cret' }],
    })
    expect(domainsOf(p)[0]?.ldapserver_id).toBe(42)
    expect(p.ldapServers[0]).toEqual({
      id: 42,
      name: 'ldap.example.com',
      port: 636,
      use_ssl: true,
      search_base: 'ou=people,dc=example,dc=com',
      search_filter: '(mail={0})',
      attr_uid: 'uid',
      attr_cn: 'cn',
      bind_user: 'cn=reader',
      bind_password: 's3cret',
    })
  })

  it('accepts the modern authentication spellings and stores automx2 ones', () => {
    const p = plan({
      ...minimal,
      servers: [
        { type: 'imap', name: 'a.example.com', authentication: 'password-cleartext' },
        { type: 'imap', name: 'a.example.com', authentication: 'password-encrypted' },
        { type: 'smtp', name: 'a.example.com', authentication: 'OAuth2' },
      ],
    })
    expect(p.servers.map((s) => s.authentication)).toEqual(['plain', 'secure', 'OAuth2'])
  })

  it.each([
    ['not an object', [1, 2], '', 'JSON object'],
    ['wrong version', { ...minimal, version: 3 }, 'version', 'unsupported version'],
    ['missing provider', { version: 2, domains: ['example.com'] }, 'provider', ''],
    ['missing domains', { version: 2, provider: 'X' }, 'domains', ''],
    ['empty domains', { ...minimal, domains: [] }, 'domains', 'at least one domain'],
    ['bad domain', { ...minimal, domains: ['not a domain'] }, 'domains[0]', ''],
    ['duplicate domain', { ...minimal, domains: ['example.com', 'EXAMPLE.com'] }, 'domains[1]', 'duplicate'],
    ['unknown server type', { ...minimal, servers: [{ type: 'exchange', name: 'x.example.com' }] }, 'servers[0].type', 'unknown server type'],
    ['missing server type', { ...minimal, servers: [{ name: 'x.example.com' }] }, 'servers[0].type', 'missing server type'],
    ['bad port', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', port: 70000 }] }, 'servers[0].port', '1 to 65535'],
    ['fractional port', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', port: 99.5 }] }, 'servers[0].port', 'whole number'],
    ['string port', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', port: '993' }] }, 'servers[0].port', 'number'],
    ['bad host', { ...minimal, servers: [{ type: 'smtp', name: 'smtp example com' }] }, 'servers[0].name', 'host name'],
    ['bad socket type', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', socket_type: 'TLS' }] }, 'servers[0].socket_type', 'SSL, STARTTLS, plain'],
    ['no Apple equivalent', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', authentication: 'GSSAPI' }] }, 'servers[0].authentication', 'unsupported authentication'],
    ['no auth on imap', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', authentication: 'none' }] }, 'servers[0].authentication', 'only allowed for smtp'],
    ['http ActiveSync URL', { ...minimal, servers: [{ type: 'activesync', url: 'http://eas.example.com/Microsoft-Server-ActiveSync' }] }, 'servers[0].url', 'https URL'],
    ['ActiveSync without URL', { ...minimal, servers: [{ type: 'activesync' }] }, 'servers[0].url', ''],
    ['ActiveSync with a host name', { ...minimal, servers: [{ type: 'activesync', url: 'https://eas.example.com/', name: 'eas.example.com' }] }, 'servers[0]', 'unknown key(s): name'],
    ['two ActiveSync URLs', { ...minimal, servers: [{ type: 'activesync', url: 'https://a.example.com/' }, { type: 'activesync', url: 'https://b.example.com/' }] }, 'servers[1]', 'only one activesync'],
    ['bad DAV URL', { ...minimal, servers: [{ type: 'caldav', url: 'ftp://dav.example.com/' }] }, 'servers[0].url', 'http or https'],
    ['unknown key', { ...minimal, servers: [{ type: 'imap', name: 'x.example.com', prot: 1 }] }, 'servers[0]', 'unknown key(s): prot'],
    ['unknown ldapserver_id', { ...minimal, domains: [{ name: 'example.com', ldapserver_id: 7 }] }, 'domains[0].ldapserver_id', 'unknown ldapserver_id 7'],
    ['filter without {0}', { ...minimal, ldapservers: [{ id: 1, name: 'ldap.example.com', search_base: 'dc=x', search_filter: '(mail=*)' }] }, 'ldapservers[0].search_filter', '{0}'],
    ['provider name too long', { ...minimal, provider: 'x'.repeat(61) }, 'provider', 'at most 60'],
    ['short name too long', { ...minimal, short_name: 'x'.repeat(21) }, 'short_name', 'at most 20'],
  ])('refuses %s, naming the field', (_case, document, path, message) => {
    const found = problems(document)
    expect(found).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }))
  })
})

describe('parseSeed: server subsets, explicit ids and the multi-provider form', () => {
  const multi = {
    version: 2,
    providers: [
      { id: 7, provider: 'First Mail', domains: [{ id: 3, name: 'first.example' }, 'first.test'] },
      { provider: 'Second Mail', short_name: 'Second', domains: ['second.example'] },
    ],
    servers: [
      { id: 9, type: 'imap', name: 'imap.first.example', domains: ['first.example'] },
      { type: 'smtp', name: 'smtp.shared.example' },
      { type: 'caldav', url: 'https://dav.second.example/', domains: [] },
    ],
    ldapservers: [{ id: 1, name: 'ldap.first.example', search_base: 'dc=first' }],
  }

  it('reads several providers, keeping explicit ids and leaving the others to the writer', () => {
    const p = plan(multi)
    expect(p.providers.map((e) => [e.provider.id, e.provider.name, e.domains.map((d) => [d.id, d.name])])).toEqual([
      [7, 'First Mail', [[3, 'first.example'], [undefined, 'first.test']]],
      [undefined, 'Second Mail', [[undefined, 'second.example']]],
    ])
  })

  it('links a server to the domains it lists, and to every domain of the document otherwise', () => {
    const p = plan(multi)
    expect(p.servers.map((s) => [s.id, s.domains])).toEqual([
      [9, ['first.example']],
      [undefined, ['first.example', 'first.test', 'second.example']],
    ])
    expect(p.davServers[0]?.domains).toEqual([])
  })

  it('accepts per-server domains in the single-provider form too', () => {
    const p = plan({ ...minimal, domains: ['a.example', 'b.example'], servers: [{ type: 'imap', name: 'imap.a.example', domains: ['A.example'] }] })
    expect(p.servers[0]?.domains).toEqual(['a.example'])
  })

  it.each([
    ['a server domain outside the document', { ...multi, servers: [{ type: 'imap', name: 'x.example', domains: ['other.example'] }] }, 'servers[0].domains[0]', 'not a domain of this document'],
    ['a duplicate domain across providers', { ...multi, providers: [...multi.providers, { provider: 'Third', domains: ['FIRST.example'] }] }, 'providers[2].domains[0]', "duplicate domain 'first.example'"],
    ['a duplicate provider id', { ...multi, providers: [multi.providers[0], { ...multi.providers[1], id: 7 }] }, 'providers[1].id', 'duplicate provider id 7'],
    ['a duplicate domain id', { ...multi, providers: [multi.providers[0], { provider: 'X', domains: [{ id: 3, name: 'x.example' }] }] }, 'providers[1].domains[0].id', 'duplicate domain id 3'],
    ['a duplicate server id', { ...multi, servers: [{ id: 2, type: 'imap', name: 'a.example' }, { id: 2, type: 'smtp', name: 'b.example' }] }, 'servers[1].id', 'duplicate server id 2'],
    ['the multi-provider form without version 2', { ...multi, version: 1 }, 'version', 'needs "version": 2'],
    ['a provider without domains', { ...multi, providers: [{ provider: 'X', domains: [] }] }, 'providers[0].domains', 'at least one domain'],
    ['a provider id in the single-provider form', { ...minimal, id: 4 }, '', 'unknown key(s): id'],
    ['a plain-http logo', { ...minimal, logo_url: 'http://cdn.example.com/logo.svg' }, 'logo_url', 'must be an https URL on a host name'],
    ['a support address with a display name', { ...multi, providers: [{ ...multi.providers[0], support_email: 'Help <help@example.com>' }] }, 'providers[0].support_email', 'must be a plain email address'],
    ['a support URL on an address literal', { ...multi, providers: [multi.providers[0], { ...multi.providers[1], support_url: 'https://192.0.2.1/' }] }, 'providers[1].support_url', 'must be an https URL on a host name'],
  ])('refuses %s, naming the field', (_case, document, path, message) => {
    expect(problems(document)).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }))
  })
})
