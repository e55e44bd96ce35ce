/**
 * Writes a validated seed plan. All rows go in one batch, which D1 and libsql run as one
 * transaction: any failure leaves the database exactly as it was (D1 has no interactive
 * transactions, so ids are assigned here rather than read back between statements).
 */
import { count, getTableName, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { SQLiteInsertValue, SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as t from '../../schema/schema'
import { fail, ok, type Result } from '../core/result'
import { runStatements } from '../db/batch'
import { afterExplicitIds, beforeExplicitIds, ONE_ROW, restartIds } from '../db/dialect-sql'
import { usingDatabase, type Db } from '../db/client'
import { TABLES_IN_DELETE_ORDER } from '../db/tables'
import { parseSeed, type SeedPlan, type SeedProblem } from './format'

export interface SeedCounts {
  readonly providers: number
  readonly domains: number
  readonly servers: number
  readonly davservers: number
  readonly urlservers: number
  readonly sieveservers: number
  readonly ldapservers: number
}

async function countProviders(db: Db): Promise<number> {
  const [row] = await usingDatabase(() => db.select({ n: count() }).from(t.provider))
  return row?.n ?? 0
}

/** True when no table holds a row. */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const total = sql.join(
    TABLES_IN_DELETE_ORDER.map((table) => sql`(SELECT count(*) FROM ${sql.identifier(getTableName(table))})`),
    sql` + `,
  )
  const [row] = await usingDatabase(() => db.select({ n: sql<number>`${total}`.mapWith(Number) }).from(ONE_ROW))
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
        urlserver: sql<number>`(SELECT coalesce(max(id), 0) FROM urlserver)`,
        sieveserver: sql<number>`(SELECT coalesce(max(id), 0) FROM sieveserver)`,
        activesync: sql<number>`(SELECT coalesce(max(id), 0) FROM activesync)`,
      })
      .from(ONE_ROW),
  )
  return {
    provider: (row?.provider ?? 0) + 1,
    domain: (row?.domain ?? 0) + 1,
    server: (row?.server ?? 0) + 1,
    davserver: (row?.davserver ?? 0) + 1,
    urlserver: (row?.urlserver ?? 0) + 1,
    sieveserver: (row?.sieveserver ?? 0) + 1,
    activesync: (row?.activesync ?? 0) + 1,
  }
}

// Spec(D1 limits): at most 100 bound parameters per statement, so multi-row inserts are chunked.
const MAX_PARAMETERS = 100

function insertRows<T extends SQLiteTable>(db: Db, table: T, rows: readonly SQLiteInsertValue<T>[]): BatchItem<'sqlite'>[] {
  const columns = rows.reduce((most, row) => Math.max(most, Object.keys(row).length), 1)
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns))
  const statements: BatchItem<'sqlite'>[] = []
  for (let i = 0; i < rows.length; i += perStatement) {
    statements.push(db.insert(table).values(rows.slice(i, i + perStatement)))
  }
  return statements
}

/** Hands out ids: an explicit one is kept, the others continue after every id already taken. */
function idAllocator(firstFree: number, explicit: readonly (number | undefined)[]) {
  let next = explicit.reduce<number>((highest, id) => Math.max(highest, (id ?? 0) + 1), firstFree)
  return (given: number | undefined) => given ?? next++
}

export interface WriteOptions {
  /** Delete everything first, in the same batch: the database ends up holding exactly the plan. */
  readonly replace?: boolean
  /**
   * Write only into a database without providers (automx2's `/initdb/` rule) or without any row
   * (import), checked inside the batch itself, so a write racing in between cannot be merged.
   */
  readonly requireEmpty?: 'providers' | 'everything'
}

/**
 * Statements that fail the batch when `tables` hold a row at the moment the batch runs: each copies
 * one row of its table onto itself, a primary-key violation, which every dialect refuses like any
 * constraint (and the batch rolls back); an empty table copies nothing. (A NULL inserted into a NOT
 * NULL column, the obvious guard, is refused by MariaDB before it looks at the WHERE.)
 */
function emptinessGuard(db: Db, tables: readonly SQLiteTable[]): BatchItem<'sqlite'>[] {
  return tables.map((table) => db.run(sql`INSERT INTO ${table} SELECT * FROM ${table} LIMIT 1`))
}

/**
 * Inserts a whole plan: providers with their domains, every kind of server with its domain
 * links, LDAP servers, ActiveSync URLs. A unique-key conflict (an existing domain or id, a
 * concurrent write) rejects the whole batch.
 */
export async function writeSeed(db: Db, plan: SeedPlan, options: WriteOptions = {}): Promise<Result<SeedCounts, 'conflict'>> {
  const free = options.replace ? { provider: 1, domain: 1, server: 1, davserver: 1, urlserver: 1, sieveserver: 1, activesync: 1 } : await nextIds(db)
  const providerId = idAllocator(free.provider, plan.providers.map((p) => p.provider.id))
  const domainId = idAllocator(free.domain, plan.providers.flatMap((p) => p.domains.map((d) => d.id)))
  const serverId = idAllocator(free.server, plan.servers.map((s) => s.id))
  const davId = idAllocator(free.davserver, plan.davServers.map((d) => d.id))
  const urlId = idAllocator(free.urlserver, plan.urlServers.map((u) => u.id))
  const sieveId = idAllocator(free.sieveserver, plan.sieveServers.map((u) => u.id))
  const activeSyncId = idAllocator(free.activesync, plan.activeSync.map((a) => a.id))

  const providerRows = plan.providers.map(({ provider, domains }) => {
    const id = providerId(provider.id)
    return { provider: { ...provider, id }, domains: domains.map((d) => ({ ...d, id: domainId(d.id), provider_id: id })) }
  })
  const domainRows = providerRows.flatMap((p) => p.domains)
  const domainIds = new Map(domainRows.map((d) => [d.name, d.id]))
  const servedIds = (served: readonly string[]) => served.flatMap((name) => domainIds.get(name) ?? [])
  const serverRows = plan.servers.map(({ domains: served, ...s }) => ({ row: { ...s, id: serverId(s.id) }, served: servedIds(served) }))
  const davRows = plan.davServers.map(({ domains: served, ...d }) => ({ row: { ...d, id: davId(d.id) }, served: servedIds(served) }))
  const urlRows = plan.urlServers.map(({ domains: served, ...u }) => ({ row: { ...u, id: urlId(u.id) }, served: servedIds(served) }))
  const sieveRows = plan.sieveServers.map(({ domains: served, ...u }) => ({ row: { ...u, id: sieveId(u.id) }, served: servedIds(served) }))
  // One row per served domain; an explicit id comes with exactly one domain (seed/format.ts).
  const activeSyncRows = plan.activeSync.flatMap(({ id, url, domains: served }) => servedIds(served).map((domain_id) => ({ id: activeSyncId(id), domain_id, url })))

  const written = await runStatements(db, (q): BatchItem<'sqlite'>[] => [
    ...beforeExplicitIds(q),
    ...(options.requireEmpty === undefined ? [] : emptinessGuard(q, options.requireEmpty === 'providers' ? [t.provider] : TABLES_IN_DELETE_ORDER)),
    ...(options.replace ? purgeStatements(q) : []),
    ...insertRows(q, t.ldapserver, [...plan.ldapServers]),
    ...insertRows(q, t.provider, providerRows.map((p) => p.provider)),
    ...insertRows(q, t.domain, domainRows),
    ...insertRows(q, t.server, serverRows.map((s) => s.row)),
    ...insertRows(q, t.serverDomain, serverRows.flatMap(({ row, served }) => served.map((domain_id) => ({ server_id: row.id, domain_id })))),
    ...insertRows(q, t.davserver, davRows.map((d) => d.row)),
    ...insertRows(q, t.davserverDomain, davRows.flatMap(({ row, served }) => served.map((domain_id) => ({ davserver_id: row.id, domain_id })))),
    ...insertRows(q, t.urlserver, urlRows.map((u) => u.row)),
    ...insertRows(q, t.urlserverDomain, urlRows.flatMap(({ row, served }) => served.map((domain_id) => ({ urlserver_id: row.id, domain_id })))),
    ...insertRows(q, t.sieveserver, sieveRows.map((u) => u.row)),
    ...insertRows(q, t.sieveserverDomain, sieveRows.flatMap(({ row, served }) => served.map((domain_id) => ({ sieveserver_id: row.id, domain_id })))),
    ...insertRows(q, t.activesync, activeSyncRows),
    ...afterExplicitIds(q),
  ])
  return written.ok ? ok(counts(plan)) : written
}

function counts(plan: SeedPlan): SeedCounts {
  return {
    providers: plan.providers.length,
    domains: plan.providers.reduce((n, p) => n + p.domains.length, 0),
    servers: plan.servers.length,
    davservers: plan.davServers.length,
    urlservers: plan.urlServers.length,
    sieveservers: plan.sieveServers.length,
    ldapservers: plan.ldapServers.length,
  }
}

/** Every table emptied, rows that point at others first: libsql enforces foreign keys only when asked. */
function purgeStatements(db: Db): BatchItem<'sqlite'>[] {
  return TABLES_IN_DELETE_ORDER.map((table) => db.delete(table))
}

/** Deletes every row of every table, atomically; returns how many providers and domains went. */
export async function purgeAll(db: Db): Promise<Result<{ providers: number; domains: number }, 'conflict'>> {
  const [providers, domains] = await usingDatabase(() => Promise.all([db.$count(t.provider), db.$count(t.domain)]))
  const purged = await runStatements(db, (q) => [...beforeExplicitIds(q), ...purgeStatements(q), ...afterExplicitIds(q)])
  if (!purged.ok) return purged
  // An emptied database numbers its rows from 1 again, as SQLite does.
  await usingDatabase(() => restartIds(db))
  return ok({ providers, domains })
}

export type LoadOutcome =
  | { readonly kind: 'written'; readonly counts: SeedCounts }
  | { readonly kind: 'invalid'; readonly problems: readonly SeedProblem[] }
  | { readonly kind: 'not-empty'; readonly providers: number }
  | { readonly kind: 'conflict' }

/**
 * Loads a seed document into a database without providers, as automx2's `/initdb/` does: the one
 * path for `POST /initdb/`, `GET /initdb/` (the sample) and the sample data of `npm start` and
 * `npm run serve -- --seed-sample`.
 */
export async function loadIntoEmpty(db: Db, document: unknown): Promise<LoadOutcome> {
  const plan = parseSeed(document)
  return plan.ok ? loadPlanIntoEmpty(db, plan.value) : { kind: 'invalid', problems: plan.error }
}

/** The same for a document already validated. */
export async function loadPlanIntoEmpty(db: Db, plan: SeedPlan): Promise<LoadOutcome> {
  const providers = await countProviders(db)
  if (providers > 0) return { kind: 'not-empty', providers }
  const written = await writeSeed(db, plan, { requireEmpty: 'providers' })
  return written.ok ? { kind: 'written', counts: written.value } : { kind: 'conflict' }
}

/** The outcome as the one-line message a command prints, for the scripts that load the sample. */
export function describeLoad(outcome: LoadOutcome): Result<string, string> {
  switch (outcome.kind) {
    case 'written':
      return ok(`loaded ${outcome.counts.providers} provider(s) and ${outcome.counts.domains} domain(s)`)
    case 'not-empty':
      return ok(`the database already holds ${outcome.providers} provider(s); nothing loaded`)
    case 'invalid':
      return fail(`the seed document is invalid: ${JSON.stringify(outcome.problems)}`)
    case 'conflict':
      return fail('the seed conflicts with data written meanwhile; nothing was written')
  }
}
