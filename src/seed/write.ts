/**
 * Writes a validated seed plan. All rows go in one batch, which D1 and libsql run as one
 * transaction: any failure leaves the database exactly as it was (D1 has no interactive
 * transactions, so ids are assigned here rather than read back between statements).
 */
import { count, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { SQLiteInsertValue, SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as t from '../../schema/schema'
import type { SeedPlan } from './format'
import { ok, type Result } from '../core/result'
import { runStatements } from '../db/batch'
import { usingDatabase, type Db } from '../db/client'

export interface SeedCounts {
  readonly providers: number
  readonly domains: number
  readonly servers: number
  readonly davservers: number
  readonly ldapservers: number
}

export async function countProviders(db: Db): Promise<number> {
  const [row] = await usingDatabase(() => db.select({ n: count() }).from(t.provider))
  return row?.n ?? 0
}

/** True when no table holds a row (link tables cannot without the rows they link). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [row] = await usingDatabase(() =>
    db
      .select({
        n: sql<number>`(SELECT count(*) FROM provider) + (SELECT count(*) FROM domain) + (SELECT count(*) FROM server)
          + (SELECT count(*) FROM davserver) + (SELECT count(*) FROM ldapserver)`,
      })
      .from(sql`(SELECT 1)`),
  )
  return (row?.n ?? 0) === 0
}

async function nextIds(db: Db) {
  const [row] = await usingDatabase(() =>
    db
      .select({
        provider: sql<number>`(SELECT coalesce(max(id), 0) FROM provider)`,
        domain: sql<number>`(SELECT coalesce(max(id), 0) FROM domain)`,
        server: sql<number>`(SELECT coalesce(max(id), 0) FROM server)`,
        davserver: sql<number>`(SELECT coalesce(max(id), 0) FROM davserver)`,
        activesync: sql<number>`(SELECT coalesce(max(id), 0) FROM activesync)`,
      })
      .from(sql`(SELECT 1)`),
  )
  return {
    provider: (row?.provider ?? 0) + 1,
    domain: (row?.domain ?? 0) + 1,
    server: (row?.server ?? 0) + 1,
    davserver: (row?.davserver ?? 0) + 1,
    activesync: (row?.activesync ?? 0) + 1,
  }
}

// Spec(D1 limits): at most 100 bound parameters per statement, so multi-row inserts are chunked.
const MAX_PARAMETERS = 100

function insertRows<T extends SQLiteTable>(db: Db, table: T, rows: readonly SQLiteInsertValue<T>[]): BatchItem<'sqlite'>[] {
  const columns = Math.max(1, ...rows.map((r) => Object.keys(r).length))
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns))
  const statements: BatchItem<'sqlite'>[] = []
  for (let i = 0; i < rows.length; i += perStatement) {
    statements.push(db.insert(table).values(rows.slice(i, i + perStatement)))
  }
  return statements
}

/** Hands out ids: an explicit one is kept, the others continue after every id already taken. */
function idAllocator(firstFree: number, explicit: readonly (number | undefined)[]) {
  let next = Math.max(firstFree, ...explicit.map((id) => (id ?? 0) + 1))
  return (given: number | undefined) => given ?? next++
}

export interface WriteOptions {
  /** Delete everything first, in the same batch: the database ends up holding exactly the plan. */
  readonly replace?: boolean
}

/**
 * Inserts a whole plan: providers with their domains, servers and DAV servers with their domain
 * links, LDAP servers. A unique-key conflict (an existing domain or id, a concurrent write)
 * rejects the whole batch.
 */
export async function writeSeed(db: Db, plan: SeedPlan, options: WriteOptions = {}): Promise<Result<SeedCounts, 'conflict'>> {
  const free = options.replace ? { provider: 1, domain: 1, server: 1, davserver: 1, activesync: 1 } : await nextIds(db)
  const domains = plan.providers.flatMap((p) => p.domains)
  const providerId = idAllocator(free.provider, plan.providers.map((p) => p.provider.id))
  const domainId = idAllocator(free.domain, domains.map((d) => d.id))
  const serverId = idAllocator(free.server, plan.servers.map((s) => s.id))
  const davId = idAllocator(free.davserver, plan.davServers.map((d) => d.id))
  const activeSyncId = idAllocator(free.activesync, plan.activeSync.map((a) => a.id))

  const domainIds = new Map<string, number>()
  const providerRows = plan.providers.map(({ provider, domains: own }) => {
    const id = providerId(provider.id)
    return { provider: { ...provider, id }, domains: own.map((d) => ({ ...d, id: domainId(d.id), providerId: id })) }
  })
  const domainRows = providerRows.flatMap((p) => p.domains)
  for (const d of domainRows) domainIds.set(d.name, d.id)
  const serverRows = plan.servers.map(({ domains: served, ...s }) => ({ row: { ...s, id: serverId(s.id) }, served }))
  const davRows = plan.davServers.map(({ domains: served, ...d }) => ({ row: { ...d, id: davId(d.id) }, served }))
  const linksOf = <K extends string>(key: K, rows: { row: { id: number }; served: readonly string[] }[]) =>
    rows.flatMap(({ row, served }) =>
      served.flatMap((name) => {
        const domain = domainIds.get(name)
        return domain === undefined ? [] : [{ [key]: row.id, domainId: domain } as Record<K, number> & { domainId: number }]
      }),
    )

  // One row per served domain; an explicit id comes with exactly one domain (seed-format.ts).
  const activeSyncRows = plan.activeSync.flatMap(({ id, url, domains: served }) =>
    served.flatMap((name) => {
      const domain = domainIds.get(name)
      return domain === undefined ? [] : [{ id: activeSyncId(id), domainId: domain, url }]
    }),
  )

  const statements: BatchItem<'sqlite'>[] = [
    ...(options.replace ? purgeStatements(db) : []),
    ...insertRows(db, t.ldapserver, [...plan.ldapServers]),
    ...insertRows(db, t.provider, providerRows.map((p) => p.provider)),
    ...insertRows(db, t.domain, domainRows),
    ...insertRows(db, t.server, serverRows.map((s) => s.row)),
    ...insertRows(db, t.serverDomain, linksOf('serverId', serverRows)),
    ...insertRows(db, t.davserver, davRows.map((d) => d.row)),
    ...insertRows(db, t.davserverDomain, linksOf('davserverId', davRows)),
    ...insertRows(db, t.activesync, activeSyncRows),
  ]
  const written = await runStatements(db, statements)
  return written.ok ? ok(counts(plan)) : written
}

function counts(plan: SeedPlan): SeedCounts {
  return {
    providers: plan.providers.length,
    domains: plan.providers.reduce((n, p) => n + p.domains.length, 0),
    servers: plan.servers.length,
    davservers: plan.davServers.length,
    ldapservers: plan.ldapServers.length,
  }
}

/** Link rows first: on libsql foreign keys are only enforced when switched on, so never rely on them. */
function purgeStatements(db: Db): BatchItem<'sqlite'>[] {
  return [
    db.delete(t.serverDomain),
    db.delete(t.davserverDomain),
    db.delete(t.activesync),
    db.delete(t.domain),
    db.delete(t.server),
    db.delete(t.davserver),
    db.delete(t.provider),
    db.delete(t.ldapserver),
  ]
}

/** Deletes every row of every table, atomically; returns how many providers and domains went. */
export async function purgeAll(db: Db): Promise<{ providers: number; domains: number }> {
  const [providers, domains] = await usingDatabase(() =>
    Promise.all([db.$count(t.provider), db.$count(t.domain)]),
  )
  const [first, ...rest] = purgeStatements(db)
  if (first) await usingDatabase(() => db.batch([first, ...rest]))
  return { providers, domains }
}
