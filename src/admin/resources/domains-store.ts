/** Admin reads and writes of domains. A domain is addressed by its id or by its name. */
import { asc, eq, sql } from 'drizzle-orm'
import * as t from '../../../schema/schema'
import type { DomainView } from '../views'
import { fail, ok, type Result } from '../../core/result'
import { runBatch } from '../../db/batch'
import { usingDatabase, type Db } from '../../db/client'

export type DomainKey = { readonly id: number } | { readonly name: string }

export interface DomainInput {
  readonly name: string
  readonly providerId: number
  readonly ldapserverId: number | null
}

/** What makes a domain write impossible, each mapped to its own status by the route. */
export type DomainWriteError = 'not-found' | 'duplicate' | 'no-provider' | 'no-ldapserver'

type DomainRowSelect = typeof t.domain.$inferSelect

const toDomainView = (row: DomainRowSelect): DomainView => ({
  id: row.id,
  name: row.name,
  provider_id: row.providerId,
  ldapserver_id: row.ldapserverId,
})

const whereKey = (key: DomainKey) => ('id' in key ? eq(t.domain.id, key.id) : eq(t.domain.name, key.name))

export async function listDomains(db: Db, providerId?: number): Promise<DomainView[]> {
  const rows = await usingDatabase(() => {
    const query = db.select().from(t.domain).orderBy(asc(t.domain.id))
    return providerId === undefined ? query : query.where(eq(t.domain.providerId, providerId))
  })
  return rows.map(toDomainView)
}

export async function findDomain(db: Db, key: DomainKey): Promise<DomainView | null> {
  const [row] = await usingDatabase(() => db.select().from(t.domain).where(whereKey(key)))
  return row ? toDomainView(row) : null
}

/**
 * Checks the references of a domain write in one read, so each failure can be named: the
 * provider and LDAP server must exist, the name must be free (or be this domain's own).
 */
async function checkReferences(db: Db, input: DomainInput, self: number | null): Promise<DomainWriteError | null> {
  const [row] = await usingDatabase(() =>
    db
      .select({
        provider: sql<number>`(SELECT count(*) FROM provider WHERE id = ${input.providerId})`,
        ldap: sql<number>`(SELECT count(*) FROM ldapserver WHERE id = ${input.ldapserverId ?? -1})`,
        taken: sql<number>`(SELECT count(*) FROM domain WHERE name = ${input.name} AND id <> ${self ?? -1})`,
        self: sql<number>`(SELECT count(*) FROM domain WHERE id = ${self ?? -1})`,
      })
      .from(sql`(SELECT 1)`),
  )
  if (self !== null && !row?.self) return 'not-found'
  if (!row?.provider) return 'no-provider'
  if (input.ldapserverId !== null && !row.ldap) return 'no-ldapserver'
  if (row.taken) return 'duplicate'
  return null
}

export async function createDomain(db: Db, input: DomainInput): Promise<Result<DomainView, DomainWriteError>> {
  const problem = await checkReferences(db, input, null)
  if (problem) return fail(problem)
  // A concurrent write can still take the name: the unique index refuses it, reported as duplicate.
  const written = await runBatch(db, [db.insert(t.domain).values(input).returning()])
  if (!written.ok) return fail('duplicate')
  const [row] = written.value[0]
  return row ? ok(toDomainView(row)) : fail('not-found')
}

export async function updateDomain(db: Db, id: number, input: DomainInput): Promise<Result<DomainView, DomainWriteError>> {
  const problem = await checkReferences(db, input, id)
  if (problem) return fail(problem)
  const written = await runBatch(db, [db.update(t.domain).set(input).where(eq(t.domain.id, id)).returning()])
  if (!written.ok) return fail('duplicate')
  const [row] = written.value[0]
  return row ? ok(toDomainView(row)) : fail('not-found')
}

/** Deletes a domain with its server links; explicit, as libsql enforces no foreign keys by default. */
export async function deleteDomain(db: Db, id: number): Promise<Result<DomainView, 'not-found'>> {
  const written = await runBatch(db, [
    db.delete(t.serverDomain).where(eq(t.serverDomain.domainId, id)),
    db.delete(t.davserverDomain).where(eq(t.davserverDomain.domainId, id)),
    db.delete(t.activesync).where(eq(t.activesync.domainId, id)),
    db.delete(t.domain).where(eq(t.domain.id, id)).returning(),
  ])
  const row = written.ok ? written.value[3][0] : undefined
  return row ? ok(toDomainView(row)) : fail('not-found')
}
