/**
 * A database that automx2 created and filled, on PostgreSQL and on MariaDB: its tables are made
 * here with the SQL its SQLAlchemy models produce (written from the model definitions: names,
 * types, nullability, the one server default, keys), filled the way automx2's admins fill them
 * (mixed-case domain names, lowercase socket types, empty and NULL optional fields). The service
 * migrates it (only additions), serves the same servers, and after its admin writes automx2's
 * tables still hold rows automx2 can read: the same columns with the same types, no NULL where
 * automx2 wants a value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type ServerDialect, type TestDatabase } from '../support/node/sql-databases'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { adminHeaders } from '../support/target'

/** automx2's tables as its models create them; `serial`/`boolean` on PostgreSQL, `INTEGER AUTO_INCREMENT`/`BOOL` on MySQL. */
function automx2Tables(dialect: ServerDialect): string[] {
  const id = dialect === 'postgresql' ? 'id SERIAL NOT NULL' : 'id INTEGER NOT NULL AUTO_INCREMENT'
  const bool = dialect === 'postgresql' ? 'BOOLEAN' : 'BOOL'
  return [
    `CREATE TABLE provider (${id}, name VARCHAR(128) NOT NULL, short_name VARCHAR(32) NOT NULL, PRIMARY KEY (id))`,
    `CREATE TABLE server (${id}, prio INTEGER DEFAULT '10' NOT NULL, name VARCHAR(128) NOT NULL, port INTEGER NOT NULL, type VARCHAR(32) NOT NULL,
      socket_type VARCHAR(32) NOT NULL, user_name VARCHAR(64) NOT NULL, authentication VARCHAR(32) NOT NULL, PRIMARY KEY (id))`,
    `CREATE TABLE davserver (${id}, url VARCHAR(128) NOT NULL, port INTEGER NOT NULL, type VARCHAR(32) NOT NULL, use_ssl ${bool} NOT NULL,
      domain_required ${bool} NOT NULL, user_name VARCHAR(64), PRIMARY KEY (id))`,
    `CREATE TABLE ldapserver (${id}, name VARCHAR(128) NOT NULL, port INTEGER NOT NULL, use_ssl ${bool} NOT NULL, search_base VARCHAR(128) NOT NULL,
      search_filter VARCHAR(128) NOT NULL, attr_uid VARCHAR(32) NOT NULL, attr_cn VARCHAR(32), bind_password VARCHAR(128), bind_user VARCHAR(128), PRIMARY KEY (id))`,
    `CREATE TABLE domain (${id}, name VARCHAR(128) NOT NULL, provider_id INTEGER NOT NULL, ldapserver_id INTEGER, PRIMARY KEY (id), UNIQUE (name),
      FOREIGN KEY(provider_id) REFERENCES provider (id), FOREIGN KEY(ldapserver_id) REFERENCES ldapserver (id))`,
    `CREATE TABLE davserver_domain (davserver_id INTEGER NOT NULL, domain_id INTEGER NOT NULL, PRIMARY KEY (davserver_id, domain_id),
      FOREIGN KEY(davserver_id) REFERENCES davserver (id), FOREIGN KEY(domain_id) REFERENCES domain (id))`,
    `CREATE TABLE server_domain (server_id INTEGER NOT NULL, domain_id INTEGER NOT NULL, PRIMARY KEY (server_id, domain_id),
      FOREIGN KEY(server_id) REFERENCES server (id), FOREIGN KEY(domain_id) REFERENCES domain (id))`,
  ]
}

/** What automx2's admins put there: its spellings, its defaults, its blanks. */
const AUTOMX2_ROWS = [
  "INSERT INTO provider (name, short_name) VALUES ('Example Mail', 'Example')",
  "INSERT INTO domain (name, provider_id) VALUES ('Example.COM', 1), ('example.net', 1)",
  "INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES (10, 'imap.example.com', 993, 'imap', 'ssl', '%EMAILADDRESS%', 'plain')",
  "INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES (20, 'pop.example.com', 110, 'POP3', 'starttls', '', 'password-cleartext')",
  "INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES (10, 'smtp.example.com', 587, 'smtp', 'STARTTLS', '%EMAILLOCALPART%', 'plain')",
  "INSERT INTO server (prio, name, port, type, socket_type, user_name, authentication) VALUES (30, 'odd.example.com', 143, 'imap', 'maybe', '%EMAILADDRESS%', 'plain')",
  'INSERT INTO server_domain (server_id, domain_id) VALUES (1, 1), (2, 1), (3, 1), (4, 1), (1, 2), (3, 2)',
  "INSERT INTO davserver (url, port, type, use_ssl, domain_required, user_name) VALUES ('https://dav.example.com/cal/', 0, 'caldav', TRUE, FALSE, NULL)",
  'INSERT INTO davserver_domain (davserver_id, domain_id) VALUES (1, 1)',
]

/** automx2's columns and their types, as the database describes them. */
async function automx2Columns(database: TestDatabase, dialect: ServerDialect): Promise<string[]> {
  const tables = "('provider', 'domain', 'server', 'davserver', 'ldapserver', 'server_domain', 'davserver_domain')"
  const schema = dialect === 'postgresql' ? "table_schema = 'public'" : 'table_schema = DATABASE()'
  const rows = await database.query(
    `SELECT table_name AS t, column_name AS c, data_type AS d, is_nullable AS n, character_maximum_length AS l FROM information_schema.columns WHERE ${schema} AND table_name IN ${tables}`,
  )
  return rows.map((r) => `${String(r.t)}.${String(r.c)} ${String(r.d)}(${String(r.l)}) ${String(r.n)}`).sort()
}

const AUTOMX2_NOT_NULL: Record<string, string[]> = {
  provider: ['id', 'name', 'short_name'],
  domain: ['id', 'name', 'provider_id'],
  server: ['id', 'prio', 'name', 'port', 'type', 'socket_type', 'user_name', 'authentication'],
  davserver: ['id', 'url', 'port', 'type', 'use_ssl', 'domain_required'],
}

describe.each(['postgresql', 'mysql'] as const)("automx2's own tables on %s", (dialect) => {
  let database: TestDatabase
  let target: NodeTarget
  let before: string[]

  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    for (const statement of [...automx2Tables(dialect), ...AUTOMX2_ROWS]) await database.query(statement)
    before = await automx2Columns(database, dialect)
    // Migrates (0000 leaves automx2's tables alone, 0001 adds this project's) and serves.
    target = await startNodeTarget({}, { database })
  })
  afterAll(() => target.stop())

  it('keeps every automx2 column as it was after the migrations, and adds only nullable provider columns', async () => {
    const after = await automx2Columns(database, dialect)
    const added = after.filter((c) => !before.includes(c))
    expect(before.every((c) => after.includes(c))).toBe(true)
    expect(added.map((c) => c.split(' ')[0])).toEqual(expect.arrayContaining(['provider.logo_url', 'provider.support_email', 'provider.support_url']))
    for (const column of added) expect(column).toMatch(/^provider\.\S+ .* YES$/)
  })

  it('serves the servers automx2 would, read tolerantly, for any letter case of the domain', async () => {
    const response = await target.fetch('/mail/config-v1.1.xml?emailaddress=jane%40example.com')
    expect(response.status).toBe(200)
    const xml = await response.text()
    const servers = [...xml.matchAll(/<(incomingServer|outgoingServer) type="(\w+)">\s*<hostname>([^<]+)<\/hostname>\s*<port>(\d+)<\/port>\s*<socketType>(\w+)<\/socketType>\s*<username>([^<]*)<\/username>/g)].map(
      (m) => m.slice(2).join(' '),
    )
    // The server with socket type 'maybe' is left out; POP3's empty user name is automx2's default.
    expect(servers).toEqual(['imap imap.example.com 993 SSL %EMAILADDRESS%', 'pop3 pop.example.com 110 STARTTLS %EMAILADDRESS%', 'smtp smtp.example.com 587 STARTTLS %EMAILLOCALPART%'])
    expect(xml).toContain('<domain>example.com</domain>')
    expect(xml).not.toContain('Example.COM')
    const dav = await target.fetch('https://example.com/.well-known/caldav')
    expect(dav.status).toBe(301)
    expect(dav.headers.get('Location')).toBe('https://dav.example.com/cal/')
  })

  it("leaves automx2's tables holding rows automx2 reads after the admin API writes to them", async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      target.fetch(path, { method, headers: { ...adminHeaders(target), 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    expect((await admin('POST', '/admin/providers', { name: 'Second', logo_url: 'https://cdn.example.org/logo.png' })).status).toBe(201)
    expect((await admin('POST', '/admin/domains', { name: 'example.org', provider_id: 2 })).status).toBe(201)
    const created = (await (await admin('POST', '/admin/servers', { type: 'imap', name: 'imap.example.org' })).json()) as { id: number }
    expect((await admin('PUT', `/admin/servers/${created.id}/domains/example.org`)).status).toBe(200)
    expect((await admin('POST', '/admin/davservers', { type: 'carddav', url: 'https://dav.example.org/card/' })).status).toBe(201)
    expect((await admin('PUT', '/admin/domains/example.org/activesync', { url: 'https://eas.example.org/Microsoft-Server-ActiveSync' })).status).toBe(200)
    expect((await admin('DELETE', '/admin/domains/example.net')).status).toBe(200)
    for (const [table, columns] of Object.entries(AUTOMX2_NOT_NULL)) {
      const rows = await database.query(`SELECT ${columns.join(', ')} FROM ${table}`)
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) for (const column of columns) expect(row[column], `${table}.${column}`).not.toBeNull()
    }
    expect(await database.query('SELECT name, prio, port, socket_type, user_name, authentication FROM server WHERE id = ?', created.id)).toEqual([
      { name: 'imap.example.org', prio: 10, port: 993, socket_type: 'SSL', user_name: '%EMAILADDRESS%', authentication: 'plain' },
    ])
    expect(await database.query('SELECT count(*) AS n FROM domain WHERE name = ?', 'example.net')).toEqual([{ n: 0 }])
    expect(await automx2Columns(database, dialect)).toEqual(expect.arrayContaining(before))
  })
})
