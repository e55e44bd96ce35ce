/**
 * createFindUser against the real slapd started by test/support/node/slapd-global-setup.ts, from
 * inside workerd (ldapts over node:net / node:tls with nodejs_compat).
 */
import { Client } from 'ldapts'
import { describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../../src/core/address'
import { createFindUser, DirectoryError, type FindUserOptions } from '../../src/directory/client'
import { parseGateLimits } from '../../src/directory/settings'
import type { LogFields, LogLevel } from '../../src/app/log'
import type { EmailAddress } from '../../src/core/model'
import { fixtureLdapServer, ldapPorts, PEOPLE_BASE, PERSON_FILTER, READER_DN, READER_PASSWORD } from '../support/ldap-fixture'

const address = (text: string): EmailAddress => {
  const parsed = parseEmailAddress(text)
  return parsed.ok ? parsed.value : { localPart: text.slice(0, text.lastIndexOf('@')), domain: 'example.com', address: text }
}

function setup(overrides: Partial<FindUserOptions> = {}) {
  const lines: Array<{ level: LogLevel; message: string; fields: LogFields }> = []
  const findUser = createFindUser({
    timeoutMs: 2_000,
    readSecret: () => undefined,
    logger: { log: (level, message, fields = {}) => lines.push({ level, message, fields }), logs: () => true },
    limits: parseGateLimits({ LDAP_CIRCUIT_FAILURES: '0' }),
    allowPrivate: true,
    ...overrides,
  })
  return { findUser, lines }
}

/** Runs a raw filter with ldapts directly: the control that shows what an unescaped filter does. */
async function rawSearch(filter: string): Promise<string[]> {
  const client = new Client({ url: `ldap://127.0.0.1:${ldapPorts().port}`, timeout: 2_000, connectTimeout: 2_000 })
  try {
    await client.bind(READER_DN, READER_PASSWORD)
    const { searchEntries } = await client.search(PEOPLE_BASE, { filter, attributes: ['uid'] })
    return searchEntries.map((e) => String(e.uid))
  } finally {
    await client.unbind()
  }
}

describe('createFindUser: found and not found', () => {
  it('returns the first entry’s attr_uid and attr_cn', async () => {
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address('john.doe@example.com'))).toEqual({ loginName: 'jdoe', displayName: 'John Doe' })
  })

  it('speaks LDAPS when use_ssl is set (test CA trusted via SSL_CERT_FILE)', async () => {
    const { findUser } = setup()
    const ldap = fixtureLdapServer({ port: ldapPorts().ldapsPort, useSsl: true })
    expect(await findUser(ldap, address('john.doe@example.com'))).toEqual({ loginName: 'jdoe', displayName: 'John Doe' })
  })

  it('keeps a UTF-8 display name intact', async () => {
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address('juergen@example.com'))).toEqual({ loginName: 'jmueller', displayName: 'Jürgen Müller' })
  })

  it('reads other attributes when the row names them, case-insensitively', async () => {
    const { findUser } = setup()
    const ldap = fixtureLdapServer({ attrUid: 'MAIL', attrCn: 'sn' })
    expect(await findUser(ldap, address('anna@example.com'))).toEqual({ loginName: 'anna@example.com', displayName: 'Smith' })
  })

  it('gives null fields for attributes the entry lacks, or when attr_cn is not configured', async () => {
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address('nadia@example.com'))).toEqual({ loginName: null, displayName: 'Nadia Nouid' })
    expect(await findUser(fixtureLdapServer({ attrCn: null }), address('john.doe@example.com'))).toEqual({ loginName: 'jdoe', displayName: null })
  })

  it('uses the first entry when the filter matches several', async () => {
    const { findUser } = setup()
    // Every person matches; sizeLimit 1 makes the server stop after one, which is not an error.
    const ldap = fixtureLdapServer({ searchFilter: '(|(mail={0})(objectClass=inetOrgPerson))' })
    const user = await findUser(ldap, address('nobody@example.com'))
    expect(user).not.toBeNull()
    expect(['jdoe', 'asmith', 'star', 'parens', null, 'jmueller']).toContain(user?.loginName)
  })

  it('returns null for an unknown address and logs it at info without the local part', async () => {
    const { findUser, lines } = setup()
    expect(await findUser(fixtureLdapServer(), address('very.private@example.com'))).toBeNull()
    expect(lines).toEqual([
      { level: 'info', message: 'directory has no entry for the address', fields: { ldapserver_id: 1, host: '127.0.0.1', port: ldapPorts().port, domain: 'example.com' } },
    ])
    expect(JSON.stringify(lines)).not.toContain('very.private')
  })
})

describe('createFindUser: filter escaping (RFC 4515) against the real directory', () => {
  // Each attack would match someone, or break the filter, if the address went in unescaped; the
  // control search proves that against the same fixture tree, so these tests can fail.
  it.each([
    ['*@example.com', (uids: string[]) => expect(uids.length).toBeGreaterThan(3)],
    ['j*@example.com', (uids: string[]) => expect(uids).toEqual(expect.arrayContaining(['jdoe', 'jmueller']))],
    ['*n*@example.com', (uids: string[]) => expect(uids).toEqual(expect.arrayContaining(['asmith']))],
    // A user typing an escape sequence: unescaped, \2a would become a literal * and find "star".
    ['a\\2a@example.com', (uids: string[]) => expect(uids).toEqual(['star'])],
  ])('%s finds nobody, though unescaped it would match people', async (attack, control) => {
    control(await rawSearch(PERSON_FILTER.replace('{0}', attack)))
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address(attack))).toBeNull()
  })

  it.each([
    'a)(uid=*)@example.com',
    '*)(uid=*))(|(uid=*@example.com',
    'a\\@example.com',
  ])('%j finds nobody, though unescaped it would change or break the filter', async (attack) => {
    await expect(rawSearch(PERSON_FILTER.replace('{0}', attack))).rejects.toThrow()
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address(attack))).toBeNull()
  })

  it('a NUL goes out as \\00, which the directory accepts as a value matching nobody', async () => {
    // The address parser refuses NUL before a route gets here; findUser must still be safe.
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address('a\u0000@example.com'))).toBeNull()
  })

  it.each([
    ['a*@example.com', 'star'],
    ['b)(uid=*)@example.com', 'parens'],
  ])('an address holding metacharacters finds exactly its owner: %s', async (literal, uid) => {
    const { findUser } = setup()
    expect(await findUser(fixtureLdapServer(), address(literal))).toMatchObject({ loginName: uid })
  })
})

describe('createFindUser: failures throw DirectoryError and are logged without secrets', () => {
  const failure = async (options: Partial<FindUserOptions>, ldap = fixtureLdapServer(), who = address('john.doe@example.com')) => {
    const { findUser, lines } = setup(options)
    const started = Date.now()
    const error: unknown = await findUser(ldap, who).then(
      () => undefined,
      (e: unknown) => e,
    )
    return { error, lines, elapsed: Date.now() - started }
  }

  it('bind refused (wrong password): stage bind, cause named, password never logged', async () => {
    const { error, lines } = await failure({}, fixtureLdapServer({ bindPassword: 'wrong-password-123' }))
    expect(error).toBeInstanceOf(DirectoryError)
    expect(error).toMatchObject({ stage: 'bind', reason: expect.stringMatching(/InvalidCredentials/i) })
    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: 'directory unavailable' })])
    expect(JSON.stringify(lines)).not.toMatch(/wrong-password-123|john\.doe/)
  })

  it('directory down (port closed): stage connect, fails fast', async () => {
    const { error, elapsed } = await failure({}, fixtureLdapServer({ port: ldapPorts().closedPort }))
    expect(error).toMatchObject({ name: 'DirectoryError', stage: 'connect' })
    expect(elapsed).toBeLessThan(1_500)
  })

  it('slow directory (accepts, never answers): gives up after the timeout', async () => {
    const { error, elapsed } = await failure({ timeoutMs: 300 }, fixtureLdapServer({ port: ldapPorts().silentPort }))
    expect(error).toMatchObject({ name: 'DirectoryError', stage: 'bind', reason: expect.stringMatching(/timed out/i) })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1_500)
  })

  it('a host no URL can hold (a row written by hand): stage config, not a crash', async () => {
    const { error } = await failure({}, fixtureLdapServer({ host: 'bad host' }))
    expect(error).toMatchObject({ name: 'DirectoryError', stage: 'config' })
  })

  it('env: secret that is not set: stage config, no connection attempt needed', async () => {
    const { error, lines } = await failure({}, fixtureLdapServer({ bindPassword: 'env:LDAP_READER_PASSWORD' }))
    expect(error).toMatchObject({ stage: 'config', reason: expect.stringContaining('not set') })
    expect(lines[0]?.fields).toMatchObject({ stage: 'config' })
  })

  it('env: secret that is set binds with it', async () => {
    const { findUser } = setup({ readSecret: (name) => (name === 'LDAP_READER_PASSWORD' ? READER_PASSWORD : undefined) })
    const ldap = fixtureLdapServer({ bindPassword: 'env:LDAP_READER_PASSWORD' })
    expect(await findUser(ldap, address('john.doe@example.com'))).toMatchObject({ loginName: 'jdoe' })
  })

  it('a search base that does not exist: stage search', async () => {
    const { error } = await failure({}, fixtureLdapServer({ searchBase: 'ou=nowhere,dc=example,dc=com' }))
    expect(error).toMatchObject({ stage: 'search', reason: expect.stringMatching(/NoSuchObject/i) })
  })

  it('a broken filter template: stage search, the address redacted from the cause', async () => {
    const { error, lines } = await failure({}, fixtureLdapServer({ searchFilter: '(mail={0}' }), address('secret.person@example.com'))
    expect(error).toMatchObject({ stage: 'search' })
    expect(JSON.stringify(lines)).not.toContain('secret.person')
    expect(String((error as Error).message)).not.toContain('secret.person')
  })

  it('without bind_user it searches anonymously (no bind); this directory hides its tree from anonymous clients', async () => {
    const { error } = await failure({}, fixtureLdapServer({ bindUser: null, bindPassword: null }))
    expect(error).toMatchObject({ stage: 'search', reason: expect.stringMatching(/NoSuchObject/i) })
  })
})
