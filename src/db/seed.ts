/**
 * Writes a validated seed plan. All rows go in one batch, which D1 and libsql run as one
 * transaction: any failure leaves the database exactly as it was (D1 has no interactive
 * transactions, so ids are assigned here rather than read back between statements).
 */
import { count, sql } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import * as t from '../../schema/schema'
import type { SeedPlan } from '../seed-format'
import { fail, ok, type Result } from '../result'
import { DatabaseUnavailableError, usingDatabase, type Db } from './client'

// SQLite reports UNIQUE / PRIMARY KEY / FOREIGN KEY / CHECK failures as SQLITE_CONSTRAINT; both D1
// and libsql put that text in the message (D1: "D1_ERROR: UNIQUE constraint failed: …").
function isConstraintViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/constraint/i.test(e.message)) return true
  }
  return false
}

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

async function nextIds(db: Db) {
  const [row] = await usingDatabase(() =>
    db
      .select({
        provider: sql<number>`(SELECT coalesce(max(id), 0) FROM provider)`,
        domain: sql<number>`(SELECT coalesce(max(id), 0) FROM domain)`,
        server: sql<number>`(SELECT coalesce(max(id), 0) FROM server)`,
        davserver: sql<number>`(SELECT coalesce(max(id), 0) FROM davserver)`,
      })
      .from(sql`(SELECT 1)`),
  )
  return {
    provider: (row?.provider ?? 0) + 1,
    domain: (row?.domain ?? 0) + 1,
    server: (row?.server ?? 0) + 1,
    davserver: (row?.davserver ?? 0) + 1,
  }
}

/**
 * Inserts one provider with its domains, servers, DAV servers and LDAP servers. A unique-key
 * conflict (an existing domain, a concurrent seed) rejects the whole batch.
 */
export async function writeSeed(db: Db, plan: SeedPlan): Promise<Result<SeedCounts, 'conflict'>> {
  const ids = await nextIds(db)
  const providerId = ids.provider
  const domainIds = plan.domains.map((_, i) => ids.domain + i)
  const serverIds = plan.servers.map((_, i) => ids.server + i)
  const davIds = plan.davServers.map((_, i) => ids.davserver + i)

  const statements: BatchItem<'sqlite'>[] = []
  if (plan.ldapServers.length > 0) statements.push(db.insert(t.ldapserver).values([...plan.ldapServers]))
  statements.push(db.insert(t.provider).values({ id: providerId, ...plan.provider }))
  statements.push(
    db.insert(t.domain).values(plan.domains.map((d, i) => ({ id: domainIds[i], providerId, ...d }))),
  )
  if (plan.servers.length > 0) {
    statements.push(db.insert(t.server).values(plan.servers.map((s, i) => ({ id: serverIds[i], ...s }))))
    statements.push(
      db
        .insert(t.serverDomain)
        .values(serverIds.flatMap((serverId) => domainIds.map((domainId) => ({ serverId, domainId })))),
    )
  }
  if (plan.davServers.length > 0) {
    statements.push(db.insert(t.davserver).values(plan.davServers.map((d, i) => ({ id: davIds[i], ...d }))))
    statements.push(
      db
        .insert(t.davserverDomain)
        .values(davIds.flatMap((davserverId) => domainIds.map((domainId) => ({ davserverId, domainId })))),
    )
  }
  if (plan.activeSyncUrl !== null) {
    const url = plan.activeSyncUrl
    statements.push(db.insert(t.activesync).values(domainIds.map((domainId) => ({ domainId, url }))))
  }
  const [first, ...rest] = statements
  if (!first) return ok(counts(plan))
  try {
    await db.batch([first, ...rest])
  } catch (cause) {
    if (isConstraintViolation(cause)) return fail('conflict')
    throw new DatabaseUnavailableError(cause instanceof Error ? cause.message : String(cause), { cause })
  }
  return ok(counts(plan))
}

function counts(plan: SeedPlan): SeedCounts {
  return {
    providers: 1,
    domains: plan.domains.length,
    servers: plan.servers.length,
    davservers: plan.davServers.length,
    ldapservers: plan.ldapServers.length,
  }
}

/** Deletes every row of every table, atomically; returns how many providers and domains went. */
export async function purgeAll(db: Db): Promise<{ providers: number; domains: number }> {
  const [providers, domains] = await usingDatabase(() =>
    Promise.all([db.$count(t.provider), db.$count(t.domain)]),
  )
  await usingDatabase(() => db.batch([
    db.delete(t.serverDomain),
    db.delete(t.davserverDomain),
    db.delete(t.activesync),
    db.delete(t.domain),
    db.delete(t.server),
    db.delete(t.davserver),
    db.delete(t.provider),
    db.delete(t.ldapserver),
  ]))
  return { providers, domains }
}
