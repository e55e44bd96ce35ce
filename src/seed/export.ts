/**
 * The whole database as a seed document in the multi-provider form (src/seed-format.ts), with
 * every id and every default written out, so that loading it into an empty database (or with
 * `?replace=true`) reproduces the tables row for row.
 */
import { asc, eq } from 'drizzle-orm'
import * as t from '../../schema/schema'
import type { DavServerView, ServerView } from '../admin/views'
import { DAV_LINKS, SERVER_LINKS, groupLinks, selectLinks } from '../admin/resources/links'
import { toLdapServerFields } from '../admin/resources/ldapservers-store'
import { toDavServerView, toServerView } from '../admin/resources/servers-store'
import { usingDatabase, type Db } from '../db/client'

interface ExportedDomain {
  id: number
  name: string
  ldapserver_id: number | null
}
interface ExportedActiveSync {
  id: number
  type: 'activesync'
  url: string
  domains: string[]
}
type ExportedLdapServer = ReturnType<typeof toLdapServerFields> & { bind_password?: string | null }
export interface ExportDocument {
  version: 2
  providers: { id: number; provider: string; short_name: string; domains: ExportedDomain[] }[]
  servers: (ServerView | DavServerView | ExportedActiveSync)[]
  ldapservers: ExportedLdapServer[]
}

export interface ExportOptions {
  /**
   * LDAP bind passwords are write-only in the admin API; an export leaves them out unless asked,
   * and then the file is as secret as the password itself.
   */
  readonly includeSecrets: boolean
}

export async function exportDatabase(db: Db, options: ExportOptions): Promise<ExportDocument> {
  // One batch: one round trip and one consistent snapshot of every table.
  const [providers, domains, servers, serverLinks, davServers, davLinks, ldapServers, activeSync] = await usingDatabase(() =>
    db.batch([
      db.select().from(t.provider).orderBy(asc(t.provider.id)),
      db.select().from(t.domain).orderBy(asc(t.domain.id)),
      db.select().from(t.server).orderBy(asc(t.server.id)),
      selectLinks(db, SERVER_LINKS),
      db.select().from(t.davserver).orderBy(asc(t.davserver.id)),
      selectLinks(db, DAV_LINKS),
      db.select().from(t.ldapserver).orderBy(asc(t.ldapserver.id)),
      db
        .select({ id: t.activesync.id, url: t.activesync.url, domain: t.domain.name })
        .from(t.activesync)
        .innerJoin(t.domain, eq(t.activesync.domainId, t.domain.id))
        .orderBy(asc(t.activesync.id)),
    ]),
  )
  const serverDomains = groupLinks(serverLinks)
  const davDomains = groupLinks(davLinks)
  return {
    version: 2,
    providers: providers.map((p) => ({
      id: p.id,
      provider: p.name,
      short_name: p.shortName,
      domains: domains
        .filter((d) => d.providerId === p.id)
        .map((d) => ({ id: d.id, name: d.name, ldapserver_id: d.ldapserverId })),
    })),
    servers: [
      ...servers.map((s) => toServerView(s, serverDomains.get(s.id) ?? [])),
      ...davServers.map((d) => toDavServerView(d, davDomains.get(d.id) ?? [])),
      // One entry per row (a row belongs to one domain), so ids survive the round trip.
      ...activeSync.map((a): ExportedActiveSync => ({ id: a.id, type: 'activesync', url: a.url, domains: [a.domain] })),
    ],
    ldapservers: ldapServers.map((l): ExportedLdapServer => ({
      ...toLdapServerFields(l),
      ...(options.includeSecrets ? { bind_password: l.bindPassword } : {}),
    })),
  }
}
