/** Runs several statements as one atomic batch and tells a refused write from a broken database. */
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch'
import { fail, ok, type Result } from '../core/result'
import { DatabaseUnavailableError, type Db } from './client'

// SQLite reports UNIQUE / PRIMARY KEY / FOREIGN KEY / CHECK failures as SQLITE_CONSTRAINT; both D1
// and libsql put that text in the message (D1: "D1_ERROR: UNIQUE constraint failed: …").
export function isConstraintViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/constraint/i.test(e.message)) return true
  }
  return false
}

/**
 * D1 and libsql run a batch as one transaction (D1 has no interactive ones), so a refused
 * statement anywhere leaves the database as it was: that is the 'conflict' outcome.
 */
export async function runBatch<T extends Readonly<[BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]>>(
  db: Db,
  statements: T,
): Promise<Result<BatchResponse<T>, 'conflict'>> {
  try {
    return ok(await db.batch(statements))
  } catch (cause) {
    if (isConstraintViolation(cause)) return fail('conflict')
    throw DatabaseUnavailableError.from(cause)
  }
}

/** For lists built at run time, whose results are not needed. An empty list writes nothing. */
export async function runStatements(db: Db, statements: readonly BatchItem<'sqlite'>[]): Promise<Result<void, 'conflict'>> {
  const [first, ...rest] = statements
  if (!first) return ok(undefined)
  const written = await runBatch(db, [first, ...rest])
  return written.ok ? ok(undefined) : written
}
