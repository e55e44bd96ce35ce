/**
 * Runs several statements as one atomic unit and tells a refused write from a broken database.
 *
 * D1 has no interactive transactions, so the unit is a list of statements built up front: D1 and
 * libsql run it as one `batch` (one round trip, one transaction); PostgreSQL and MySQL run the same
 * list in a transaction. The list is built by a function of the handle because on those servers a
 * statement belongs to the connection that runs it: it must be built on the transaction's handle.
 */
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch'
import { fail, ok, type Result } from '../core/result'
import { databaseFailure, dialectOf, type Db } from './client'

type Statements = Readonly<[BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]>

/**
 * A refused write: SQLite's SQLITE_CONSTRAINT (D1 and libsql put the text in the message: "D1_ERROR:
 * UNIQUE constraint failed: …"), or SQLSTATE class 23 (integrity constraint violation), which
 * PostgreSQL reports as `code` and MySQL/MariaDB as `sqlState`.
 */
export function isConstraintViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/constraint/i.test(e.message)) return true
    const state: unknown = 'sqlState' in e ? e.sqlState : 'code' in e ? e.code : undefined
    if (typeof state === 'string' && /^23[0-9A-Z]{3}$/.test(state)) return true
  }
  return false
}

/**
 * On PostgreSQL and MySQL: the statements in order, in one transaction. Each result is what the
 * dialect's driver answers (rows for a select or a `returning`; driver-specific for a bare write).
 */
async function inTransaction<T extends readonly BatchItem<'sqlite'>[]>(db: Db, build: (q: Db) => T, readOnly: boolean): Promise<BatchResponse<T>> {
  const config = readOnly ? (dialectOf(db) === 'postgresql' ? { isolationLevel: 'repeatable read', accessMode: 'read only' } : { isolationLevel: 'repeatable read' }) : undefined
  return db.transaction(async (tx) => {
    const results: unknown[] = []
    // The handle's transaction (db/sql-servers.ts) is the dialect's own, typed here as the app's handle.
    for (const statement of build(tx as unknown as Db)) results.push(await statement)
    return results as BatchResponse<T>
  }, config as unknown as Parameters<Db['transaction']>[1])
}

/** All statements or none: a refused statement anywhere leaves the database as it was ('conflict'). */
export async function runBatch<T extends Statements>(db: Db, build: (q: Db) => T): Promise<Result<BatchResponse<T>, 'conflict'>> {
  try {
    return ok(dialectOf(db) === 'sqlite' ? await db.batch(build(db)) : await inTransaction(db, build, false))
  } catch (cause) {
    if (isConstraintViolation(cause)) return fail('conflict')
    throw databaseFailure(cause)
  }
}

/** Several reads in one round trip where the driver can (D1, libsql), and from one snapshot everywhere. */
export async function readBatch<T extends Statements>(db: Db, build: (q: Db) => T): Promise<BatchResponse<T>> {
  try {
    return dialectOf(db) === 'sqlite' ? await db.batch(build(db)) : await inTransaction(db, build, true)
  } catch (cause) {
    throw databaseFailure(cause)
  }
}

/** For lists built at run time, whose results are not needed. An empty list writes nothing. */
export async function runStatements(db: Db, build: (q: Db) => readonly BatchItem<'sqlite'>[]): Promise<Result<void, 'conflict'>> {
  // Building is cheap and runs nothing (a statement runs when awaited or batched).
  const [first, ...rest] = build(db)
  if (!first) return ok(undefined)
  const written = await runBatch(db, (q) => (q === db ? [first, ...rest] : nonEmpty(build(q))))
  return written.ok ? ok(undefined) : written
}

function nonEmpty(statements: readonly BatchItem<'sqlite'>[]): Statements {
  const [first, ...rest] = statements
  if (!first) throw new Error('the statements changed between two builds')
  return [first, ...rest]
}
