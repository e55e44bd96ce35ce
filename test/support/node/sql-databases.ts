/**
 * A fresh, empty database of its own on the test run's PostgreSQL or MariaDB server
 * (sql-global-setup.ts), and a plain client on it for checks that bypass the service.
 */
import { createConnection } from 'mysql2/promise'
import postgres from 'postgres'
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'

export type ServerDialect = 'postgresql' | 'mysql'

export interface TestDatabase {
  readonly url: string
  /** Rows of a query with `?` placeholders; counts come back as numbers on both servers. */
  query(sql: string, ...args: (string | number | null)[]): Promise<Record<string, unknown>[]>
  /** Closes the plain client and drops the database. */
  drop(): Promise<void>
}

/** `?` → `$1`, `$2`, … for PostgreSQL (the tests' queries hold no `?` inside strings). */
const numbered = (sql: string) => {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

export async function createTestDatabase(dialect: ServerDialect): Promise<TestDatabase> {
  const name = `mailconf_${randomBytes(6).toString('hex')}`
  const admin = inject('sql')[dialect === 'postgresql' ? 'postgres' : 'mysql']
  if (dialect === 'postgresql') {
    const server = postgres(admin, { max: 1, onnotice: () => {} })
    await server.unsafe(`CREATE DATABASE ${name}`)
    await server.end()
    const url = admin.replace(/\/postgres$/, `/${name}`)
    // count(*) is a bigint, which the driver hands out as a string unless told otherwise; booleans
    // come back as 1/0, as SQLite and MySQL store them, so suites compare rows the same everywhere.
    const types = {
      bigint: { to: 20, from: [20], serialize: String, parse: Number },
      boolean: { to: 16, from: [16], serialize: (b: unknown) => (b ? 't' : 'f'), parse: (v: string) => (v === 't' ? 1 : 0) },
    }
    const client = postgres(url, { max: 2, onnotice: () => {}, types })
    return {
      url,
      query: async (sql, ...args) => [...(await client.unsafe(numbered(sql), args))],
      async drop() {
        await client.end()
        const again = postgres(admin, { max: 1, onnotice: () => {} })
        await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await again.end()
      },
    }
  }
  const server = await createConnection({ uri: admin })
  await server.query(`CREATE DATABASE ${name}`)
  await server.end()
  const url = `${admin}${name}`
  const client = await createConnection({ uri: url })
  return {
    url,
    query: async (sql, ...args) => {
      const [rows] = await client.query(sql, args)
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : []
    },
    async drop() {
      await client.end()
      const again = await createConnection({ uri: admin })
      await again.query(`DROP DATABASE IF EXISTS ${name}`)
      await again.end()
    },
  }
}
