/**
 * The whole database as a seed document in the multi-provider form (seed/format.ts), with every id
 * and every default written out, so that loading it into an empty database (or with `?replace=true`)
 * reproduces the tables row for row. Rows are their own wire form (schema/schema.ts), so every
 * column a table has is exported without a list of fields to keep up to date.
 */
import { asc, eq } from 'drizzle-orm'
import * as t from '../../schema/schema'
import { DAV_LINKS, SERVER_LINKS, SIEVE_LINKS, URL_LINKS, groupLinks, selectLinks } from '../admin/resources/links'
import { toProviderView } from '../admin/resources/providers'
import { withoutPassword } from '../admin/resources/ldapservers'
import { readBatch } from '../db/batch'
import type { Db } from '../db/client'

export interface ExportOptions {
  /**
   * LDAP bind passwords are write-only in the admin API; an export leaves them out unless asked,
   * and then the file is as secret as the password itself.
   */
  readonly includeSecrets: boolean
}

export async function exportDatabase(db: Db, options: ExportOptions) {
  // One batch (one round trip on D1 and libsql) and one consistent snapshot of every table.
  const [providers, domains, servers, serverLinks, davServers, davLinks, urlServers, urlLinks, sieveServers, sieveLinks, ldapServers, activeSync] = await readBatch(db, (q) => [
    q.select().from(t.provider).orderBy(asc(t.provider.id)),
    q.select().from(t.domain).orderBy(asc(t.domain.id)),
    q.select().from(t.server).orderBy(asc(t.server.id)),
    selectLinks(q, SERVER_LINKS),
    q.select().from(t.davserver).orderBy(asc(t.davserver.id)),
    selectLinks(q, DAV_LINKS),
    q.select().from(t.urlserver).orderBy(asc(t.urlserver.id)),
    selectLinks(q, URL_LINKS),
    q.select().from(t.sieveserver).orderBy(asc(t.sieveserver.id)),
    selectLinks(q, SIEVE_LINKS),
    q.select().from(t.ldapserver).orderBy(asc(t.ldapserver.id)),
    q
      .select({ id: t.activesync.id, url: t.activesync.url, domain: t.domain.name })
      .from(t.activesync)
      .innerJoin(t.domain, eq(t.activesync.domain_id, t.domain.id))
      .orderBy(asc(t.activesync.id)),
  ])
  const serverDomains = groupLinks(serverLinks)
  const davDomains = groupLinks(davLinks)
  const urlDomains = groupLinks(urlLinks)
  const sieveDomains = groupLinks(sieveLinks)
  const domainsOf = new Map<number, { id: number; name: string; ldapserver_id: number | null }[]>()
  for (const { provider_id, ...d } of domains) {
    const list = domainsOf.get(provider_id)
    if (list) list.push(d)
    else domainsOf.set(provider_id, [d])
  }
  return {
    version: 2 as const,
    // automx2 calls a provider's name `provider` in a seed document.
    providers: providers.map(toProviderView).map(({ id, name, ...rest }) => ({ id, provider: name, ...rest, domains: domainsOf.get(id) ?? [] })),
    servers: [
      ...servers.map((s) => ({ ...s, domains: serverDomains.get(s.id) ?? [] })),
      ...davServers.map((d) => ({ ...d, domains: davDomains.get(d.id) ?? [] })),
      ...urlServers.map((u) => ({ ...u, domains: urlDomains.get(u.id) ?? [] })),
      ...sieveServers.map(({ id, ...m }) => ({ id, type: 'managesieve' as const, ...m, domains: sieveDomains.get(id) ?? [] })),
      // One entry per row (a row belongs to one domain), so ids survive the round trip.
      ...activeSync.map((a) => ({ id: a.id, type: 'activesync' as const, url: a.url, domains: [a.domain] })),
    ],
    ldapservers: ldapServers.map((l) => (options.includeSecrets ? l : withoutPassword(l).row)),
  }
}
