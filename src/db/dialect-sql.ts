/**
 * The few statements whose SQL text differs between SQLite, PostgreSQL and MySQL/MariaDB, written
 * where the app's queries cannot be expressed through Drizzle's builders alone. Everything else is
 * written once (db/sql-servers.ts explains how).
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { dialectOf, type Db } from './client'
import { TABLES_IN_DELETE_ORDER } from './tables'

/**
 * A one-row source for a SELECT of subqueries or constants. MySQL wants a FROM before a WHERE and
 * an alias on every derived table; this form is valid in all three.
 */
export const ONE_ROW: SQL = sql`(SELECT 1) AS one_row`

/**
 * Before rows are written with explicit ids (an import, a purge): on PostgreSQL every table is
 * locked against other writers until the transaction ends. A concurrent insert would otherwise take
 * its id from a sequence that afterExplicitIds has not moved yet, and collide with a row written
 * here (a duplicate key where the client should get its row, or the import a 409). Reads go on.
 * SQLite batches run alone; MySQL's AUTO_INCREMENT never hands out an id that is taken.
 */
export function beforeExplicitIds(db: Db): BatchItem<'sqlite'>[] {
  if (dialectOf(db) !== 'postgresql') return []
  const names = sql.join(TABLES_IN_DELETE_ORDER.map((table) => sql.identifier(getTableName(table))), sql`, `)
  return [db.run(sql`LOCK TABLE ${names} IN EXCLUSIVE MODE`)]
}

/**
 * After rows were written with explicit ids: PostgreSQL's serial columns take their next value from
 * a sequence that such writes do not move, so it is set past the highest id (SQLite and MySQL's
 * AUTO_INCREMENT follow the highest id by themselves).
 */
export function afterExplicitIds(db: Db): BatchItem<'sqlite'>[] {
  if (dialectOf(db) !== 'postgresql') return []
  return TABLES_IN_DELETE_ORDER.flatMap((table) => {
    const id = getTableColumns(table)['id']
    if (!id?.primary) return []
    const name = getTableName(table)
    return [db.run(sql`SELECT setval(pg_get_serial_sequence(${name}, 'id'), coalesce(max(id), 0) + 1, false) FROM ${sql.identifier(name)}`)]
  })
}

/**
 * After every table was emptied: MySQL keeps counting AUTO_INCREMENT ids where they were, so they
 * are set back (to the lowest free id: InnoDB never sets it below the highest id). An ALTER TABLE
 * commits in MySQL, so this runs after the purge's transaction, not in it. PostgreSQL's sequences
 * were set in the purge itself (afterExplicitIds); SQLite needs nothing.
 */
export async function restartIds(db: Db): Promise<void> {
  if (dialectOf(db) !== 'mysql') return
  for (const table of TABLES_IN_DELETE_ORDER) {
    if (getTableColumns(table)['id']?.primary) await db.run(sql`ALTER TABLE ${table} AUTO_INCREMENT = 1`)
  }
}

/** Inserts one row of two columns unless an equal key exists (idempotent links). */
export function insertIgnoringDuplicate(db: Db, table: SQLiteTable, columns: readonly [SQLiteColumn, SQLiteColumn], values: readonly [number, number]) {
  const [a, b] = columns.map((c) => sql.identifier(c.name))
  const row = sql`${table} (${a}, ${b}) VALUES (${values[0]}, ${values[1]})`
  return db.run(dialectOf(db) === 'mysql' ? sql`INSERT IGNORE INTO ${row}` : sql`INSERT INTO ${row} ON CONFLICT DO NOTHING`)
}
