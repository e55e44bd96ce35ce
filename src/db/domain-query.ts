/** Reads for config requests: one domain's whole configuration in one SQL statement. */
import { asc, eq, sql } from 'drizzle-orm'
import { DAV_TYPES, domain as domainTable } from '../../schema/schema'
import { authenticationOf, davPortOf, serverTypeOf, socketTypeOf, textOrNull, userNameOf } from './automx2-data'
import type { DavServer, DomainConfig, LdapServer, MailServer, ServerType, SieveServer, UrlServer } from '../core/model'
import { dialectOf, usingDatabase, type Db } from './client'
import { mysqlDomainQuery, mysqlDomainRow } from './mysql-domain-query'

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
  // migration pg/0002). MySQL has its own statement (db/mysql-domain-query.ts).
  const name = sql.placeholder('name')
  return db.query.domain.findFirst({
    where: dialectOf(db) === 'sqlite' ? eq(domainTable.name, name) : sql`lower(${domainTable.name}) = ${name}`,
    columns: { name: true },
    with: {
      provider: {
        columns: { id: false },
        with: { domains: { columns: { name: true }, orderBy: (d) => [asc(d.id)] } },
      },
      ldapserver: true,
      serverLinks: { columns: {}, with: { server: true } },
      davserverLinks: { columns: {}, with: { davserver: true } },
      urlserverLinks: { columns: {}, with: { urlserver: true } },
      sieveserverLinks: { columns: {}, with: { sieveserver: true } },
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
  const urlServers = row.urlserverLinks
    .map(({ urlserver }) => urlserver)
    .sort((a, b) => a.id - b.id)
    .map((u): UrlServer => ({ type: u.type, url: u.url, username: u.user_name }))
  const sieveServers = row.sieveserverLinks
    .map(({ sieveserver }) => sieveserver)
    .sort((a, b) => a.id - b.id)
    .map(
      (s): SieveServer => ({ hostname: s.name, port: s.port, socketType: s.socket_type, username: s.user_name, authentication: s.authentication }),
    )
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
  const supportUrl = textOrNull(provider.support_url)
  return {
    domain: row.name.toLowerCase(),
    provider: {
      name: provider.name,
      shortName: provider.short_name,
      domains: provider.domains.map((d) => d.name.toLowerCase()),
      brand: { logoUrl: textOrNull(provider.logo_url), supportUrl, supportEmail: textOrNull(provider.support_email) },
      oauth2: provider.oauth2_issuer
        ? {
            issuer: provider.oauth2_issuer,
            scope: provider.oauth2_scope,
            authUrl: provider.oauth2_auth_url,
            tokenUrl: provider.oauth2_token_url,
            clientId: provider.oauth2_client_id,
            password: provider.oauth2_password ?? true,
          }
        : null,
      documentation: provider.documentation_url
        ? { url: provider.documentation_url, description: provider.documentation_descr }
        : supportUrl
          ? { url: supportUrl, description: null }
          : null,
    },
    servers,
    davServers,
    urlServers,
    sieveServers,
    ldap,
    activeSyncUrl: row.activesync?.url ?? null,
  }
}

/** MySQL/MariaDB cannot run domainQuery's statement: db/mysql-domain-query.ts builds its own. */
async function findMysqlDomainRow(db: Db, name: string): Promise<DomainRow | undefined> {
  // `run` is mysql2's query on this handle (db/sql-servers.ts): its answer is [rows, fields].
  const answer: unknown = await db.run(mysqlDomainQuery(name))
  const rows: unknown = Array.isArray(answer) ? answer[0] : undefined
  const [raw] = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : []
  // The statement is built from the same relations as domainQuery, so its row has the same shape.
  return raw ? (mysqlDomainRow(raw) as DomainRow) : undefined
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
