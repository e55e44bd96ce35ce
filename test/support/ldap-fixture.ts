/**
 * The directory the LDAP tests run against (slapd from slapd-global-setup.ts, fixture tree in
 * test/fixtures/directory.ldif), as seed documents and model values pointing at it.
 */
import { inject } from 'vitest'
import type { LdapServer } from '../../src/core/model'

export const PEOPLE_BASE = 'ou=people,dc=example,dc=com'
export const READER_DN = 'cn=reader,ou=services,dc=example,dc=com'
export const READER_PASSWORD = 'reader-secret'
/** A compound filter, as directories usually need, so injected terms would have room to work. */
export const PERSON_FILTER = '(&(objectClass=inetOrgPerson)(mail={0}))'

export const ldapPorts = () => inject('ldap')

/** An ldapserver seed entry for the fixture directory; `port` defaults to slapd's LDAP port. */
export function ldapSeedEntry(overrides: Record<string, unknown> = {}) {
  return {
    id: 1,
    name: '127.0.0.1',
    port: ldapPorts().port,
    use_ssl: false,
    search_base: PEOPLE_BASE,
    search_filter: PERSON_FILTER,
    attr_uid: 'uid',
    attr_cn: 'cn',
    bind_user: READER_DN,
    bind_password: READER_PASSWORD,
    ...overrides,
  }
}

/**
 * One provider with example.com on the directory and plain.example without one, an IMAP, an
 * SMTP and a CalDAV server (every username the directory can fill).
 */
export function ldapSeed(ldapOverrides: Record<string, unknown> = {}) {
  return {
    version: 2,
    provider: 'Example Inc.',
    domains: [{ name: 'example.com', ldapserver_id: 1 }, { name: 'plain.example' }],
    ldapservers: [ldapSeedEntry(ldapOverrides)],
    servers: [
      { type: 'imap', name: 'imap.example.com' },
      { type: 'smtp', name: 'smtp.example.com', port: 587 },
      { type: 'caldav', url: 'https://dav.example.com/caldav/' },
    ],
  }
}

/** The model value findUser receives for the fixture directory. */
export function fixtureLdapServer(overrides: Partial<LdapServer> = {}): LdapServer {
  return {
    id: 1,
    host: '127.0.0.1',
    port: ldapPorts().port,
    useSsl: false,
    searchBase: PEOPLE_BASE,
    searchFilter: PERSON_FILTER,
    attrUid: 'uid',
    attrCn: 'cn',
    bindUser: READER_DN,
    bindPassword: READER_PASSWORD,
    ...overrides,
  }
}
