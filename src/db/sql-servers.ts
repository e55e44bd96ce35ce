/**
 * PostgreSQL and MySQL/MariaDB behind the app's one database type (`Db`, db/client.ts).
 *
 * The app's queries are written once, against the tables of schema/schema.ts and Drizzle's SQLite
 * builders. Drizzle's PostgreSQL and MySQL builders take the same calls (select, insert, update,
 * delete, `$count`, the relational `query`) but need their own dialect's table objects, which
 * schema/dialects.ts derives from the same description. The handle made here is the dialect's own
 * Drizzle instance seen through a proxy that swaps every schema.ts table handed to a builder for its
 * counterpart; columns inside conditions need no swap (Drizzle renders any column by its table's
 * and its own name, in the dialect's quoting).
 *
 * What the dialects lack, the handle supplies so that calling code stays the same:
 * | call                         | PostgreSQL          | MySQL / MariaDB                                  |
 * |------------------------------|---------------------|--------------------------------------------------|
 * | `run(sql)`                   | `execute`           | `execute`                                        |
 * | `batch([...])`               | refused: runBatch   | refused: runBatch (db/batch.ts: a transaction)   |
 * | `….returning(fields)`        | native              | the write, then a read of the row by id/condition |
 * | `onConflictDoUpdate({ set })`| native              | `ON DUPLICATE KEY UPDATE` with the same `set`    |
 */
import { entityKind, eq, getTableColumns, is, SQL, type Column, type Table } from 'drizzle-orm'
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Pool as MysqlPool } from 'mysql2'
import type { Sql as PostgresSql } from 'postgres'
import { mysql as mysqlTables, postgres as postgresTables } from '../../schema/dialects'
import { registerDialect, type Db, type Dialect } from './client'

type Method = (...args: unknown[]) => unknown

const isEntity = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !(value instanceof Promise) && entityKind in value.constructor

/** A thenable that runs `work` when awaited (as Drizzle's builders do), so it can sit in a batch list. */
function deferred<T>(work: () => Promise<T>): PromiseLike<T> {
  return { then: (resolve, reject) => work().then(resolve, reject) }
}

interface Handle {
  readonly dialect: Exclude<Dialect, 'sqlite'>
  readonly tables: ReadonlyMap<SQLiteTable, object>
}

function method(target: object, name: string): Method {
  const found: unknown = Reflect.get(target, name, target)
  if (typeof found !== 'function') throw new Error(`the ${name} builder method is missing`)
  return (...args) => Reflect.apply(found, target, args)
}

/**
 * MySQL has no RETURNING (MariaDB has it for INSERT and DELETE only). The builders' own `config`
 * says which table and row; the row is read by id after an insert, by the same condition after an
 * update, and before a delete.
 */
function mysqlReturning(orm: object, builder: object): Method {
  const config: unknown = Reflect.get(builder, 'config')
  if (typeof config !== 'object' || config === null) throw new Error('no builder config')
  const table: unknown = Reflect.get(config, 'table')
  const where: unknown = Reflect.get(config, 'where')
  const values: unknown = Reflect.get(config, 'values')
  if (typeof table !== 'object' || table === null) throw new Error('no builder table')
  const idColumn = getTableColumns(table as Table)['id'] as Column | undefined
  const select = (fields: unknown, condition: unknown) => {
    const from = method(method(orm, 'select')(fields) as object, 'from')(table) as object
    return method(from, 'where')(condition) as PromiseLike<unknown[]>
  }
  return (fields?: unknown) =>
    deferred(async () => {
      if (Array.isArray(values)) {
        if (values.length !== 1 || !idColumn) throw new Error('returning() on MySQL takes one row of a table with an id')
        const [header] = (await insertOnce(builder as PromiseLike<unknown[]>)) as [{ insertId?: number }]
        return select(fields, eq(idColumn, header.insertId ?? 0))
      }
      if (Reflect.has(config, 'set')) {
        await (builder as PromiseLike<unknown>)
        return select(fields, where)
      }
      const rows = await select(fields, where)
      await (builder as PromiseLike<unknown>)
      return rows
    })
}

const isPrimaryKeyDuplicate = (error: unknown): boolean => {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('errno' in e && e.errno === 1062 && /PRIMARY/.test(e.message)) return true
  }
  return false
}

/**
 * MySQL hands out an AUTO_INCREMENT id when an insert starts; a transaction writing explicit ids
 * (an import) may take that id before the insert can store its row. Asked again, MySQL hands out
 * one past the import's, so the insert that lost the race is retried once rather than failing.
 */
async function insertOnce(insert: PromiseLike<unknown[]>): Promise<unknown[]> {
  try {
    return await insert
  } catch (error) {
    if (!isPrimaryKeyDuplicate(error)) throw error
    return await insert
  }
}

function wrap<T extends object>(target: T, orm: object, handle: Handle): T {
  const swap = (value: unknown) => (is(value, SQLiteTable) ? (handle.tables.get(value) ?? value) : value)
  const proxy: T = new Proxy(target, {
    get(object, property) {
      // Lazy like every builder (MySQL's `execute` runs at once), so a statement built for a batch
      // runs only when the batch does.
      if (property === 'run' && object === orm) return (query: unknown) => deferred(async () => method(object, 'execute')(query))
      if (property === 'batch' && object === orm) {
        return () => {
          throw new Error(`${handle.dialect} has no batch: use runBatch (db/batch.ts), which runs a transaction`)
        }
      }
      if (property === 'transaction' && object === orm) {
        return (work: (tx: Db) => Promise<unknown>, config?: unknown) =>
          method(object, 'transaction')((tx: object) => {
            const inner = wrap(tx, tx, handle) as unknown as Db
            registerDialect(inner, handle.dialect)
            return work(inner)
          }, config)
      }
      if (handle.dialect === 'mysql' && property === 'returning') return mysqlReturning(orm, object)
      if (handle.dialect === 'mysql' && property === 'onConflictDoUpdate') {
        return (config: { set: unknown }) => wrap(method(object, 'onDuplicateKeyUpdate')({ set: config.set }) as object, orm, handle)
      }
      const value: unknown = Reflect.get(object, property, object)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const result = Reflect.apply(value, object, args.map(swap))
        if (result === object) return proxy
        return isEntity(result) && !is(result, SQL) ? wrap(result, orm, handle) : result
      }
    },
  })
  return proxy
}

export function createPostgresDb(client: PostgresSql): Db {
  const orm = drizzlePostgres(client, { schema: postgresTables.schema })
  const db = wrap(orm, orm, { dialect: 'postgresql', tables: postgresTables.tables }) as unknown as Db
  registerDialect(db, 'postgresql')
  return db
}

export function createMysqlDb(pool: MysqlPool): Db {
  // Drizzle's default MySQL mode builds relational queries with LATERAL joins, which MariaDB lacks;
  // this mode (named for PlanetScale) nests correlated subqueries instead: still one statement.
  const orm = drizzleMysql(pool, { schema: mysqlTables.schema, mode: 'planetscale' })
  const db = wrap(orm, orm, { dialect: 'mysql', tables: mysqlTables.tables }) as unknown as Db
  registerDialect(db, 'mysql')
  return db
}
