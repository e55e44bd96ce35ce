/** The database handle every query takes: Drizzle over D1 or over libsql (Turso, a `file:` SQLite; db/libsql.ts), with the schema. */
import { createTableRelationsHelpers, DrizzleQueryError, extractTablesRelationalConfig, type ExtractTablesWithRelations, type RelationalSchemaConfig } from 'drizzle-orm'
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch'
import { DrizzleD1Database, SQLiteD1Session } from 'drizzle-orm/d1'
import { SQLiteAsyncDialect, type BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import * as schema from '../../schema/schema'
import { ServiceUnavailableError } from '../core/outage'

/** What the D1 and libsql drivers have in common, `batch` included (one round trip, atomic). */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>
}

/**
 * Which SQL the handle speaks. Queries are written once (db/sql-servers.ts says how one handle type
 * serves all three); the few statements whose syntax differs ask this.
 */
export type Dialect = 'sqlite' | 'postgresql' | 'mysql'

const dialects = new WeakMap<Db, Dialect>()

export function registerDialect(db: Db, dialect: Dialect): void {
  dialects.set(db, dialect)
}

const cacheKeys = new WeakMap<Db, object>()

/** A handle made per request stands for a longer-lived database: its domain cache is keyed by that. */
export function registerCacheKey(db: Db, key: object): void {
  cacheKeys.set(db, key)
}

/** What the domain cache of a handle is kept under (app/resolve.ts): the handle, unless registered. */
export function cacheKeyOf(db: Db): object {
  return cacheKeys.get(db) ?? db
}

/** D1 and libsql handles are not registered: SQLite is what a handle speaks unless told otherwise. */
export function dialectOf(db: Db): Dialect {
  return dialects.get(db) ?? 'sqlite'
}

type Schema = typeof schema
type Tables = ExtractTablesWithRelations<Schema>

// drizzle() walks the whole schema, relations included, every time it is called (about 50 µs against
// 2.4 µs for the constructors below; `npm run bench:db-handles`, bench/README.md "Nearby reads"). A D1 session lives for one
// request, so its Drizzle handle is made per request: from the schema walked once per isolate (on
// first use, not at start-up) and a dialect, which holds no state.
let relational: RelationalSchemaConfig<Tables> | undefined
const d1Dialect = new SQLiteAsyncDialect()

function relationalSchema(): RelationalSchemaConfig<Tables> {
  if (!relational) {
    const { tables, tableNamesMap } = extractTablesRelationalConfig<Tables>(schema, createTableRelationsHelpers)
    relational = { fullSchema: schema, schema: tables, tableNamesMap }
  }
  return relational
}

/** Drizzle over a D1 binding, or over anything shaped like one (db/d1-sessions.ts). Cheap: no schema walk. */
export function createD1Db(binding: D1Database): Db {
  const config = relationalSchema()
  return new DrizzleD1Database<Schema>('async', d1Dialect, new SQLiteD1Session(binding, d1Dialect, config, {}), config)
}

/**
 * A failure of the storage itself (unreachable, timed out, broken), as opposed to an answer from it.
 * Routes let it propagate; the protocol router answers it (app/failures.ts).
 */
export class DatabaseUnavailableError extends ServiceUnavailableError {
  override readonly name = 'DatabaseUnavailableError'

  /** Wraps a driver failure; the message (which gets logged) is the driver's own, see below. */
  static from(cause: unknown): DatabaseUnavailableError {
    return new DatabaseUnavailableError('database', describeDriverError(cause), { cause })
  }
}

/**
 * The driver's own message for a failed statement. Drizzle wraps failures of a query in
 * DrizzleQueryError, whose message is the SQL followed by its parameters: values such as an LDAP
 * bind password or an address, which must never reach the log. (Seen first on libsql, where the
 * wrapper surrounds every failing statement; D1 errors get the same wrapper.)
 */
export function describeDriverError(error: unknown): string {
  let inner = error
  while (inner instanceof DrizzleQueryError && inner.cause !== undefined) inner = inner.cause
  if (inner instanceof DrizzleQueryError) return 'a query failed'
  return inner instanceof Error ? inner.message : String(inner)
}

/**
 * A value the database refused as longer than its column: on PostgreSQL and MySQL, automx2's
 * tables keep text in `varchar(n)` (schema/dialects.ts), shorter than the admin API's own limits.
 * The request is at fault, not the storage, so protocol routers answer it as a bad request.
 */
export class ValueTooLongError extends Error {
  override readonly name = 'ValueTooLongError'
}

// SQLSTATE 22001 (PostgreSQL: string_data_right_truncation); MySQL/MariaDB: ER_DATA_TOO_LONG (1406).
const TOO_LONG_CODES = new Set<unknown>(['22001', 'ER_DATA_TOO_LONG'])

function valueTooLong(error: unknown): ValueTooLongError | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (!('code' in e) || !TOO_LONG_CODES.has(e.code)) continue
    // MySQL names the column; PostgreSQL names only the type.
    const column = /for column '([A-Za-z0-9_]+)'/.exec(e.message)?.[1]
    return new ValueTooLongError(
      `a value is longer than the database allows${column ? ` in ${column}` : ''}: automx2's tables, which this database keeps, hold at most 128 characters in names and URLs and 64 in user names`,
    )
  }
  return null
}

/** What a failed statement means: a value the database refused, or the storage failing. */
export function databaseFailure(cause: unknown): ValueTooLongError | DatabaseUnavailableError {
  return valueTooLong(cause) ?? DatabaseUnavailableError.from(cause)
}

export async function usingDatabase<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (cause) {
    throw databaseFailure(cause)
  }
}
