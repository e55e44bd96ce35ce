/**
 * The PostgreSQL and MySQL/MariaDB tables, derived from schema/schema.ts rather than kept as two more
 * copies: every table, column, key, index and relation there appears here with the same names, so a
 * column added to schema.ts reaches both dialects by regenerating their migrations
 * (`npm run db:generate`). What differs between the dialects is the small table below.
 *
 * | schema.ts (SQLite)              | PostgreSQL                | MySQL / MariaDB                 |
 * |---------------------------------|---------------------------|---------------------------------|
 * | `integer` primary key `id`      | `serial`                  | `int` AUTO_INCREMENT            |
 * | `integer`                       | `integer`                 | `int`                           |
 * | `integer` in boolean mode       | `boolean`                 | `boolean` (tinyint(1))          |
 * | `text` in an automx2 table      | `varchar(n)`, n below     | `varchar(n)`, n below           |
 * | `text` elsewhere                | `text`                    | `text`                          |
 * | CHECK constraints               | none                      | none                            |
 *
 * automx2 keeps its data in PostgreSQL and MySQL too, and an operator points this service at that
 * database: its tables must stay exactly as automx2's SQLAlchemy models create them. So in
 * automx2's tables (AUTOMX2 below) the column types and nullability are automx2's, a default
 * exists in the database only where automx2 declares one there (`server.prio`; the others are
 * supplied by Drizzle on insert, as automx2 supplies them from Python), links do not cascade, and
 * no CHECK is added: automx2's own rows may not pass this project's rules (mixed-case domain names,
 * other socket types), and the admin API validates what this service writes. Tables and columns
 * this project adds (`activesync`, the provider's brand columns) come in migrations of their own.
 */
import { createTableRelationsHelpers, getTableColumns, getTableName, is, Many, One, Relations, relations, Column, type Table } from 'drizzle-orm'
import * as my from 'drizzle-orm/mysql-core'
import * as pg from 'drizzle-orm/pg-core'
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import * as schema from './schema'

interface Automx2Column {
  /** automx2's `String(n)`. */
  readonly length?: number
  /** automx2 allows NULL where this project does not (read tolerantly: db/domain-query.ts). */
  readonly nullable?: true
  /** automx2 declares the default in the database (`server_default`), not only in Python. */
  readonly serverDefault?: true
}

/** automx2's tables, with what its models say where schema.ts alone does not tell. */
export const AUTOMX2: Readonly<Record<string, Readonly<Record<string, Automx2Column>>>> = {
  provider: { id: {}, name: { length: 128 }, short_name: { length: 32 } },
  domain: { id: {}, name: { length: 128 }, provider_id: {}, ldapserver_id: {} },
  server: {
    id: {},
    prio: { serverDefault: true },
    name: { length: 128 },
    port: {},
    type: { length: 32 },
    socket_type: { length: 32 },
    user_name: { length: 64 },
    authentication: { length: 32 },
  },
  davserver: { id: {}, url: { length: 128 }, port: {}, type: { length: 32 }, use_ssl: {}, domain_required: {}, user_name: { length: 64, nullable: true } },
  ldapserver: {
    id: {},
    name: { length: 128 },
    port: {},
    use_ssl: {},
    search_base: { length: 128 },
    search_filter: { length: 128 },
    attr_uid: { length: 32 },
    attr_cn: { length: 32 },
    bind_password: { length: 128 },
    bind_user: { length: 128 },
  },
  server_domain: { server_id: {}, domain_id: {} },
  davserver_domain: { davserver_id: {}, domain_id: {} },
}

export type TableKey = { [K in keyof typeof schema]: (typeof schema)[K] extends SQLiteTable ? K : never }[keyof typeof schema]
type RelationsKey = { [K in keyof typeof schema]: (typeof schema)[K] extends Relations ? K : never }[keyof typeof schema]
/** The same export names as schema.ts, for tables and relations. */
export type DerivedSchema<T extends Table> = { readonly [K in TableKey]: T } & { readonly [K in RelationsKey]: Relations }

/**
 * Set only by scripts/generate-migrations.mjs for the first migration of each server dialect:
 * automx2's tables and columns alone, so this project's additions come in a migration of their own.
 */
const AUTOMX2_ONLY = typeof process !== 'undefined' && process.env?.MAILCONF_SCHEMA_AUTOMX2_ONLY === '1'

const sqliteTables = Object.entries(schema).flatMap(([key, value]: [string, unknown]) => (is(value, SQLiteTable) ? [[key, value] as const] : []))

interface ColumnKit<B> {
  serial(name: string): B
  integer(name: string): B
  boolean(name: string): B
  varchar(name: string, length: number): B
  text(name: string): B
}

/** The shared part of both dialects' column builders that derivation uses. */
interface Builder {
  notNull(): Builder
  default(value: unknown): Builder
  $defaultFn(fn: () => unknown): Builder
  unique(name?: string): Builder
}

function deriveColumn<B extends Builder>(kit: ColumnKit<B>, table: string, column: SQLiteColumn): B | null {
  const automx2Table = AUTOMX2[table]
  const automx2 = automx2Table?.[column.name]
  if (AUTOMX2_ONLY && (automx2Table === undefined || automx2 === undefined)) return null
  const { name } = column
  if (column.primary && column.columnType === 'SQLiteInteger') return kit.serial(name)
  let built: Builder
  switch (column.columnType) {
    case 'SQLiteInteger':
      built = kit.integer(name)
      break
    case 'SQLiteBoolean':
      built = kit.boolean(name)
      break
    case 'SQLiteText':
      built = automx2?.length === undefined ? kit.text(name) : kit.varchar(name, automx2.length)
      break
    default:
      throw new Error(`schema/dialects.ts: no mapping for ${table}.${name} (${column.columnType})`)
  }
  if (column.notNull && !automx2?.nullable) built = built.notNull()
  const fallback = column.default
  if (fallback !== undefined) built = automx2 && !automx2.serverDefault ? built.$defaultFn(() => fallback) : built.default(fallback)
  if (column.isUnique) built = built.unique(column.uniqueName)
  // Each builder method returns its receiver, so the chain's end is the kit's builder type.
  return built as B
}

interface ExtraKit {
  primaryKey(columns: Column[]): unknown
  foreignKey(columns: Column[], foreignColumns: Column[], onDelete: 'cascade' | undefined): unknown
  index(name: string, columns: Column[], unique: boolean): unknown
}

type ColumnsOf = Record<string, Column>
type TableMaker<T extends Table> = (name: string, columns: Record<string, unknown>, extra: (self: ColumnsOf) => unknown[]) => T

function derive<T extends Table, B extends Builder>(kit: ColumnKit<B>, extra: ExtraKit, makeTable: TableMaker<T>): { tables: Map<SQLiteTable, T>; schema: DerivedSchema<T> } {
  const tables = new Map<SQLiteTable, T>()
  const derivedColumn = (column: Column): Column => {
    const table = tables.get(column.table as SQLiteTable)
    const found = table && getTableColumns(table)[column.name]
    if (!found) throw new Error(`schema/dialects.ts: no counterpart of ${getTableName(column.table)}.${column.name}`)
    return found
  }
  const exported: Record<string, T | Relations> = {}
  for (const [key, table] of sqliteTables) {
    const name = getTableName(table)
    if (AUTOMX2_ONLY && AUTOMX2[name] === undefined) continue
    const config = getTableConfig(table)
    const columns: Record<string, B> = {}
    for (const [property, column] of Object.entries(getTableColumns(table))) {
      const built = deriveColumn(kit, name, column)
      if (built) columns[property] = built
    }
    const automx2 = AUTOMX2[name] !== undefined
    const derived = makeTable(name, columns, (self) => {
      // In the extra config, this table's own columns come from `self` (PostgreSQL indexes need them so).
      const own = (c: Column): Column => self[c.name] ?? derivedColumn(c)
      return [
      ...config.primaryKeys.map((key) => extra.primaryKey(key.columns.map(own))),
      ...config.foreignKeys.map((foreign) => {
        const reference = foreign.reference()
        // automx2's links do not cascade; this project's own tables keep theirs.
        const onDelete = !automx2 && foreign.onDelete === 'cascade' ? 'cascade' : undefined
        return extra.foreignKey(reference.columns.map(own), reference.foreignColumns.map(derivedColumn), onDelete)
      }),
      ...(AUTOMX2_ONLY ? [] : config.indexes.map(({ config: index }) => extra.index(index.name, index.columns.flatMap((c) => (is(c, Column) ? [own(c)] : [])), index.unique))),
      ]
    })
    tables.set(table, derived)
    exported[key] = derived
  }
  const mapped = (table: Table): T => {
    const found = tables.get(table as SQLiteTable)
    if (!found) throw new Error(`schema/dialects.ts: no counterpart of ${getTableName(table)}`)
    return found
  }
  for (const [key, value] of Object.entries(schema) as [string, unknown][]) {
    if (!is(value, Relations) || (AUTOMX2_ONLY && !tables.has(value.table as SQLiteTable))) continue
    exported[key] = relations(mapped(value.table), ({ one, many }) => {
      const original = value.config(createTableRelationsHelpers(value.table))
      const out: Record<string, One | Many<string>> = {}
      for (const [name, relation] of Object.entries(original)) {
        if (AUTOMX2_ONLY && !tables.has(relation.referencedTable as SQLiteTable)) continue
        const target = mapped(relation.referencedTable)
        if (is(relation, One)) {
          const config = relation.config
          out[name] = config
            ? one(target, {
                fields: config.fields.map(derivedColumn) as [Column, ...Column[]],
                references: config.references.map(derivedColumn) as [Column, ...Column[]],
                ...(config.relationName === undefined ? {} : { relationName: config.relationName }),
              })
            : one(target)
        } else {
          out[name] = many(target, relation.relationName === undefined ? undefined : { relationName: relation.relationName })
        }
      }
      return out
    })
  }
  // Every key of schema.ts was visited above (filtered only for the automx2-only generation).
  return { tables, schema: exported as DerivedSchema<T> }
}

const pgKit: ColumnKit<Builder> = {
  serial: (name) => pg.serial(name).primaryKey(),
  integer: (name) => pg.integer(name),
  boolean: (name) => pg.boolean(name),
  varchar: (name, length) => pg.varchar(name, { length }),
  text: (name) => pg.text(name),
}

const mysqlKit: ColumnKit<Builder> = {
  serial: (name) => my.int(name).autoincrement().primaryKey(),
  integer: (name) => my.int(name),
  boolean: (name) => my.boolean(name),
  varchar: (name, length) => my.varchar(name, { length }),
  text: (name) => my.text(name),
}

type PgColumns = [pg.PgColumn, ...pg.PgColumn[]]
type MySqlColumns = [my.MySqlColumn, ...my.MySqlColumn[]]

export const postgres = derive(
  pgKit,
  {
    primaryKey: (columns) => pg.primaryKey({ columns: columns as PgColumns }),
    foreignKey: (columns, foreignColumns, onDelete) => {
      const key = pg.foreignKey({ columns: columns as PgColumns, foreignColumns: foreignColumns as PgColumns })
      return onDelete ? key.onDelete(onDelete) : key
    },
    index: (name, columns, unique) => (unique ? pg.uniqueIndex(name) : pg.index(name)).on(...(columns as PgColumns)),
  },
  (name, columns, extra) => pg.pgTable(name, columns as Record<string, pg.PgColumnBuilderBase>, (self) => extra(self) as pg.PgTableExtraConfigValue[]),
)

export const mysql = derive(
  mysqlKit,
  {
    primaryKey: (columns) => my.primaryKey({ columns: columns as MySqlColumns }),
    foreignKey: (columns, foreignColumns, onDelete) => {
      const key = my.foreignKey({ columns: columns as MySqlColumns, foreignColumns: foreignColumns as MySqlColumns })
      return onDelete ? key.onDelete(onDelete) : key
    },
    index: (name, columns, unique) => (unique ? my.uniqueIndex(name) : my.index(name)).on(...(columns as MySqlColumns)),
  },
  (name, columns, extra) => my.mysqlTable(name, columns as Record<string, my.MySqlColumnBuilderBase>, (self) => extra(self) as my.MySqlTableExtraConfigValue[]),
)
