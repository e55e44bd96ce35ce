/** Admin reads and writes of a domain's Exchange ActiveSync URL (table activesync, one per domain). */
import { eq, sql } from 'drizzle-orm'
import * as t from '../../../schema/schema'
import { usingDatabase, type Db } from '../../db/client'

export async function findActiveSyncUrl(db: Db, domainId: number): Promise<string | null> {
  const [row] = await usingDatabase(() => db.select({ url: t.activesync.url }).from(t.activesync).where(eq(t.activesync.domainId, domainId)))
  return row?.url ?? null
}

/** Sets or replaces the URL; one statement, so it cannot half-happen. */
export async function setActiveSyncUrl(db: Db, domainId: number, url: string): Promise<void> {
  await usingDatabase(() =>
    db
      .insert(t.activesync)
      .values({ domainId, url })
      .onConflictDoUpdate({ target: t.activesync.domainId, set: { url: sql`excluded.url` } }),
  )
}

/** True when there was a URL to delete. */
export async function deleteActiveSyncUrl(db: Db, domainId: number): Promise<boolean> {
  const deleted = await usingDatabase(() =>
    db.delete(t.activesync).where(eq(t.activesync.domainId, domainId)).returning({ id: t.activesync.id }),
  )
  return deleted.length > 0
}
