/** Reads for config requests: one domain's whole configuration in one SQL statement. */
import { asc, eq, sql } from 'drizzle-orm'
import { domain as domainTable } from '../../schema/schema'
import type { DavServer, DomainConfig, LdapServer, MailServer, ServerType } from '../core/model'
import { usingDatabase, type Db } from './client'

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
  return db.query.domain.findFirst({
    where: eq(domainTable.name, sql.placeholder('name')),
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

function toDomainConfig(row: DomainRow): DomainConfig {
  const servers = row.serverLinks
    .map(({ server }) => ({
      id: server.id,
      type: server.type,
      hostname: server.name,
      port: server.port,
      socketType: server.socket_type,
      username: server.user_name,
      authentication: server.authentication,
      prio: server.prio,
    }))
    .sort(byPreference)
    .map(({ id: _id, ...mailServer }): MailServer => mailServer)
  const davServers = row.davserverLinks
    .map(({ davserver }) => davserver)
    .sort((a, b) => a.id - b.id)
    .map(
      (d): DavServer => ({
        type: d.type,
        url: d.url,
        port: d.port,
        useSsl: d.use_ssl,
        domainRequired: d.domain_required,
        username: d.user_name,
      }),
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
        attrCn: l.attr_cn,
        bindUser: l.bind_user,
        bindPassword: l.bind_password,
      }
    : null
  return {
    domain: row.name,
    provider: {
      name: row.provider.name,
      shortName: row.provider.short_name,
      domains: row.provider.domains.map((d) => d.name),
      brand: { logoUrl: row.provider.logo_url, supportUrl: row.provider.support_url, supportEmail: row.provider.support_email },
    },
    servers,
    davServers,
    ldap,
    activeSyncUrl: row.activesync?.url ?? null,
  }
}

/** The configuration of one domain (lowercase A-label), or null when no provider serves it. */
export async function findDomainConfig(db: Db, name: string): Promise<DomainConfig | null> {
  const row = await usingDatabase(() => prepareDomainQuery(db).execute({ name }))
  return row ? toDomainConfig(row) : null
}

/** For /healthz: does the database answer at all? */
export async function pingDatabase(db: Db): Promise<void> {
  await usingDatabase(() => db.run(sql`SELECT 1`))
}
