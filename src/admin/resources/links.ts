/** Server ↔ domain links (tables server_domain, davserver_domain, urlserver_domain, sieveserver_domain), for every kind of server. */
import { asc, eq, sql } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { davserverDomain, domain, serverDomain, sieveserverDomain, urlserverDomain } from '../../../schema/schema'
import type { Db } from '../../db/client'
import { insertIgnoringDuplicate } from '../../db/dialect-sql'

export interface LinkTable {
  readonly table: SQLiteTable
  readonly owner: SQLiteColumn
  readonly domainId: SQLiteColumn
}

export const SERVER_LINKS: LinkTable = { table: serverDomain, owner: serverDomain.server_id, domainId: serverDomain.domain_id }
export const DAV_LINKS: LinkTable = { table: davserverDomain, owner: davserverDomain.davserver_id, domainId: davserverDomain.domain_id }
export const URL_LINKS: LinkTable = { table: urlserverDomain, owner: urlserverDomain.urlserver_id, domainId: urlserverDomain.domain_id }
export const SIEVE_LINKS: LinkTable = { table: sieveserverDomain, owner: sieveserverDomain.sieveserver_id, domainId: sieveserverDomain.domain_id }

/** (server id, domain name) pairs, oldest domain first; all servers' or one server's. */
export function selectLinks(db: Db, links: LinkTable, ownerId?: number) {
  const query = db
    .select({ owner: sql<number>`${links.owner}`, name: domain.name })
    .from(links.table)
    .innerJoin(domain, eq(links.domainId, domain.id))
    .orderBy(asc(domain.id))
  return ownerId === undefined ? query : query.where(eq(links.owner, ownerId))
}

export function groupLinks(rows: readonly { owner: number; name: string }[]): Map<number, string[]> {
  const byOwner = new Map<number, string[]>()
  for (const { owner, name } of rows) {
    const names = byOwner.get(owner)
    if (names) names.push(name)
    else byOwner.set(owner, [name])
  }
  return byOwner
}

/** Idempotent: linking twice leaves one link. */
export function linkStatement(db: Db, links: LinkTable, ownerId: number, domainId: number) {
  return insertIgnoringDuplicate(db, links.table, [links.owner, links.domainId], [ownerId, domainId])
}

export function unlinkStatement(db: Db, links: LinkTable, ownerId: number, domainId: number) {
  return db.delete(links.table).where(sql`${links.owner} = ${ownerId} AND ${links.domainId} = ${domainId}`)
}

export function deleteLinksOf(db: Db, links: LinkTable, ownerId: number) {
  return db.delete(links.table).where(eq(links.owner, ownerId))
}
