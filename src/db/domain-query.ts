/** Reads for config requests: one domain's whole configuration in one SQL statement. */
import { asc, eq, sql } from 'drizzle-orm'
import { domain as domainTable } from '../../schema/schema'
import type { DavServer, DomainConfig, LdapServer, MailServer, ServerType, SieveServer, UrlServer } from '../core/model'
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
  const p = row.provider
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
      name: p.name,
      shortName: p.short_name,
      domains: p.domains.map((d) => d.name),
      brand: { logoUrl: p.logo_url, supportUrl: p.support_url, supportEmail: p.support_email },
      oauth2: p.oauth2_issuer
        ? {
            issuer: p.oauth2_issuer,
            scope: p.oauth2_scope,
            authUrl: p.oauth2_auth_url,
            tokenUrl: p.oauth2_token_url,
            clientId: p.oauth2_client_id,
            password: p.oauth2_password ?? true,
          }
        : null,
      documentation: p.documentation_url
        ? { url: p.documentation_url, description: p.documentation_descr }
        : p.support_url
          ? { url: p.support_url, description: null }
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

/** The configuration of one domain (lowercase A-label), or null when no provider serves it. */
export async function findDomainConfig(db: Db, name: string): Promise<DomainConfig | null> {
  const row = await usingDatabase(() => prepareDomainQuery(db).execute({ name }))
  return row ? toDomainConfig(row) : null
}

/** For /healthz: does the database answer at all? */
export async function pingDatabase(db: Db): Promise<void> {
  await usingDatabase(() => db.run(sql`SELECT 1`))
}
