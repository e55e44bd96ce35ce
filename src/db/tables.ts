/**
 * What the schema says about its own tables, derived rather than listed by hand: every table in an
 * order that deletes can follow (rows that point at others first), and the tables whose rows hang
 * off a domain. Purging, deleting a domain or a provider's domains, and the tests that check nothing
 * was written all read these lists, so a new table is covered by adding it to schema/schema.ts.
 */
import { getTableColumns, getTableName, is, SQL } from 'drizzle-orm'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from '../../schema/schema'

const ALL: readonly SQLiteTable[] = Object.values(schema).flatMap((value: unknown) => (is(value, SQLiteTable) ? [value] : []))

const referencedBy = (table: SQLiteTable): SQLiteTable[] =>
  getTableConfig(table).foreignKeys.map((key) => key.reference().foreignTable)

/** Every table, each one before every table it references (so deleting in this order never orphans a row). */
export const TABLES_IN_DELETE_ORDER: readonly SQLiteTable[] = (() => {
  const ordered: SQLiteTable[] = []
  const visit = (table: SQLiteTable, path: readonly SQLiteTable[]) => {
    if (ordered.includes(table)) return
    if (path.includes(table)) throw new Error(`foreign keys form a cycle through ${getTableName(table)}`)
    for (const other of ALL) if (referencedBy(other).includes(table)) visit(other, [...path, table])
    ordered.push(table)
  }
  for (const table of ALL) visit(table, [])
  return ordered
})()

/** The table names, in delete order. */
export const TABLE_NAMES: readonly string[] = TABLES_IN_DELETE_ORDER.map(getTableName)

/** The tables with a `domain_id` column referencing `domain`: what goes when a domain goes. */
export const DOMAIN_DEPENDENTS = TABLES_IN_DELETE_ORDER.flatMap((table) =>
  getTableConfig(table).foreignKeys.flatMap((key) => {
    const { columns, foreignTable } = key.reference()
    const column = columns[0]
    return foreignTable === schema.domain && columns.length === 1 && column ? [{ table, column }] : []
  }),
)

/**
 * `values` as a whole row for an UPDATE that replaces: every column the values leave out (but
 * those in `keep`) gets its default, or null. A column added to a table is then reset by a `PUT`
 * that omits it, like every other field, without code naming it.
 */
export function asReplacement<T extends Record<string, unknown>>(table: SQLiteTable, values: T, keep: readonly string[] = []): T {
  const omitted: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (column.primary || key in values || keep.includes(key)) continue
    const fallback = column.default === undefined || is(column.default, SQL) ? null : column.default
    if (fallback !== null || !column.notNull) omitted[key] = fallback
  }
  return Object.assign({}, values, omitted)
}
