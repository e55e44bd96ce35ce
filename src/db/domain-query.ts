/** Reads for config requests: one domain's whole configuration in one SQL statement. */
import { asc, eq, sql } from 'drizzle-orm'
import { DAV_TYPES, domain as domainTable } from '../../schema/schema'
import { authenticationOf, davPortOf, serverTypeOf, socketTypeOf, textOrNull, userNameOf } from './automx2-data'
import type { DavServer, DomainConfig, LdapServer, MailServer, ServerType } from '../core/model'
import { dialectOf, usingDatabase, type Db } from './client'

const TYPE_ORDER: Record<ServerType, number> = { imap: 0, pop: 1, smtp: 2 }

// Priority first; at equal priority IMAP before POP3 (docs/clients.md §1.9: Thunderbird makes the
// first valid incoming server the default); then creation order, so output is deterministic.
const byPreference = (a: MailServer & { id: number }, b: MailServer & { id: number }) =>
  a.prio - b.prio || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.id - b.id

/**
 * Drizzle's relational query compiles this to a single statement (nested rows come back as JSON),
 * so a config request costs one database round trip. The domain name is a placeholder, so the
 * statement is built once per database handle (prepareDomainQuery): building it took longer
 * than running it (about 250 µs against 100 µs on libsql, bench/README.md).
 */
function domainQuery(db: Db) {
  // D1 and libsql hold lowercase names only (a CHECK); on PostgreSQL automx2 may have written any
  // case (db/automx2-data.ts), so it compares lowercased (served by domain_name_lower_idx,
  // migration pg/0002). MySQL has its own statement below.
  const name = sql.placeholder('name')
  return db.query.domain.findFirst({
    where: dialectOf(db) === 'sqlite' ? eq(domainTable.name, name) : sql`lower(${domainTable.name}) = ${name}`,
    columns: { name: true },
    with: {
      provider: {
        columns: { name: true, short_name: true, logo_url: true, support_url: true, support_email: true },
        with: { domains: { columns: { name: true }, orderBy: (d) => [asc(d.id)] } },
      },
      ldapserver: true,
      serverLinks: { columns: {}, with: { server: true } },
      davserverLinks: { columns: {}, with: { davserver: true } },
      activesync: { columns: { url: true } },
    },
  })
}

type DomainRow = NonNullable<Awaited<ReturnType<typeof domainQuery>>>
type PreparedDomainQuery = { execute(values: { name: string }): Promise<DomainRow | undefined> }

const preparedQueries = new WeakMap<Db, PreparedDomainQuery>()

function prepareDomainQuery(db: Db): PreparedDomainQuery {
  let prepared = preparedQueries.get(db)
  if (!prepared) {
    prepared = domainQuery(db).prepare()
    preparedQueries.set(db, prepared)
  }
  return prepared
}

/** The row as the core model, read tolerantly where automx2 may have written it (db/automx2-data.ts). */
function toDomainConfig(row: DomainRow): DomainConfig {
  const servers = row.serverLinks
    .flatMap(({ server }) => {
      const type = serverTypeOf(server.type)
      const socketType = socketTypeOf(server.socket_type)
      const authentication = authenticationOf(server.authentication)
      if (!type || !socketType || !authentication) return []
      const username = userNameOf(server.user_name)
      return [{ id: server.id, type, hostname: server.name, port: server.port, socketType, username, authentication, prio: server.prio }]
    })
    .sort(byPreference)
    .map(({ id: _id, ...mailServer }): MailServer => mailServer)
  const davServers = row.davserverLinks
    .map(({ davserver }) => davserver)
    .sort((a, b) => a.id - b.id)
    .flatMap((d): DavServer[] => {
      const type = DAV_TYPES.find((t) => t === d.type.trim().toLowerCase())
      return type
        ? [{ type, url: d.url, port: davPortOf(d.port, d.url), useSsl: d.use_ssl, domainRequired: d.domain_required, username: userNameOf(d.user_name) }]
        : []
    })
  const l = row.ldapserver
  const ldap: LdapServer | null = l
    ? {
        id: l.id,
        host: l.name,
        port: l.port,
        useSsl: l.use_ssl,
        searchBase: l.search_base,
        searchFilter: l.search_filter,
        attrUid: l.attr_uid,
        attrCn: textOrNull(l.attr_cn),
        bindUser: textOrNull(l.bind_user),
        bindPassword: textOrNull(l.bind_password),
      }
    : null
  const { provider } = row
  return {
    domain: row.name.toLowerCase(),
    provider: {
      name: provider.name,
      shortName: provider.short_name,
      domains: provider.domains.map((d) => d.name.toLowerCase()),
      brand: { logoUrl: textOrNull(provider.logo_url), supportUrl: textOrNull(provider.support_url), supportEmail: textOrNull(provider.support_email) },
    },
    servers,
    davServers,
    ldap,
    activeSyncUrl: row.activesync?.url ?? null,
  }
}

/**
 * The same row on MySQL/MariaDB, from one statement written for it: Drizzle's relational query
 * there nests derived tables that refer to the outer row, which MariaDB cannot run (MySQL 8 can).
 * Correlated subqueries in the select list, each building JSON, are what both accept. The name is
 * compared as stored: MySQL's default collations ignore letter case, and keep the unique index.
 * Nested rows come back in no particular order; toDomainConfig sorts servers, and provider domains
 * carry their id to be sorted by.
 */
const mysqlDomainQuery = (name: string) => sql`SELECT d.name AS name,
  (SELECT JSON_OBJECT('name', p.name, 'short_name', p.short_name, 'logo_url', p.logo_url, 'support_url', p.support_url, 'support_email', p.support_email)
    FROM provider p WHERE p.id = d.provider_id) AS provider,
  (SELECT JSON_ARRAYAGG(JSON_ARRAY(o.id, o.name)) FROM domain o WHERE o.provider_id = d.provider_id) AS provider_domains,
  (SELECT JSON_OBJECT('id', l.id, 'name', l.name, 'port', l.port, 'use_ssl', l.use_ssl, 'search_base', l.search_base, 'search_filter', l.search_filter,
      'attr_uid', l.attr_uid, 'attr_cn', l.attr_cn, 'bind_user', l.bind_user, 'bind_password', l.bind_password)
    FROM ldapserver l WHERE l.id = d.ldapserver_id) AS ldapserver,
  (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', s.id, 'prio', s.prio, 'type', s.type, 'name', s.name, 'port', s.port, 'socket_type', s.socket_type,
      'user_name', s.user_name, 'authentication', s.authentication))
    FROM server s JOIN server_domain sd ON sd.server_id = s.id WHERE sd.domain_id = d.id) AS servers,
  (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', v.id, 'type', v.type, 'url', v.url, 'port', v.port, 'use_ssl', v.use_ssl, 'domain_required', v.domain_required,
      'user_name', v.user_name))
    FROM davserver v JOIN davserver_domain vd ON vd.davserver_id = v.id WHERE vd.domain_id = d.id) AS davservers,
  (SELECT a.url FROM activesync a WHERE a.domain_id = d.id) AS activesync_url
FROM domain d WHERE d.name = ${name}`

/** MariaDB returns JSON as text, MySQL as parsed values (mysql2 parses its JSON type). */
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value)
const flag = (value: unknown): boolean => value === true || value === 1

type Row<K extends keyof DomainRow> = NonNullable<DomainRow[K]>

/** The JSON built by mysqlDomainQuery, whose shape that statement fixes, in the relational row's form. */
function fromMysqlRow(raw: Record<string, unknown>): DomainRow {
  const provider = json(raw.provider) as Omit<Row<'provider'>, 'domains'>
  const domains = ((json(raw.provider_domains) ?? []) as [number, string][]).sort((a, b) => a[0] - b[0]).map(([, name]) => ({ name }))
  const ldap = json(raw.ldapserver) as Row<'ldapserver'> | null
  const servers = (json(raw.servers) ?? []) as Row<'serverLinks'>[number]['server'][]
  const davservers = (json(raw.davservers) ?? []) as Row<'davserverLinks'>[number]['davserver'][]
  const activeSyncUrl = raw.activesync_url
  return {
    name: String(raw.name),
    provider: { ...provider, domains },
    ldapserver: ldap && { ...ldap, use_ssl: flag(ldap.use_ssl) },
    serverLinks: servers.map((server) => ({ server })),
    davserverLinks: davservers.map((d) => ({ davserver: { ...d, use_ssl: flag(d.use_ssl), domain_required: flag(d.domain_required) } })),
    activesync: typeof activeSyncUrl === 'string' ? { url: activeSyncUrl } : null,
  }
}

async function findMysqlDomainRow(db: Db, name: string): Promise<DomainRow | undefined> {
  // `run` is mysql2's query on this handle (db/sql-servers.ts): its answer is [rows, fields].
  const answer: unknown = await db.run(mysqlDomainQuery(name))
  const rows: unknown = Array.isArray(answer) ? answer[0] : undefined
  const [raw] = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : []
  return raw ? fromMysqlRow(raw) : undefined
}

/** The configuration of one domain (lowercase A-label), or null when no provider serves it. */
export async function findDomainConfig(db: Db, name: string): Promise<DomainConfig | null> {
  const row = await usingDatabase(() => (dialectOf(db) === 'mysql' ? findMysqlDomainRow(db, name) : prepareDomainQuery(db).execute({ name })))
  return row ? toDomainConfig(row) : null
}

/** For /healthz: does the database answer at all? */
export async function pingDatabase(db: Db): Promise<void> {
  await usingDatabase(() => db.run(sql`SELECT 1`))
}
