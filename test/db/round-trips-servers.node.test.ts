/**
 * Design card: one database round trip per config request on PostgreSQL and MariaDB too, counted
 * at the driver: postgres.js reports every query it sends (its `debug` hook), and mysql2's pool is
 * wrapped to count every `query`/`execute`. A warm domain cache sends none.
 */
import { createPool, type Pool } from 'mysql2'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { createApp } from '../../src/app/create-app'
import { singleHandle } from '../../src/db/database'
import { createMysqlDb, createPostgresDb } from '../../src/db/sql-servers'
import type { Db } from '../../src/db/client'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { seed } from '../support/target'

/** Counts `query`/`execute` on the pool and on its promise wrapper (which Drizzle's driver uses). */
function countingPool<T extends object>(pool: T, count: () => void): T {
  return new Proxy(pool, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (property === 'promise' && typeof value === 'function') {
        return (...args: unknown[]) => countingPool(Reflect.apply(value, target, args) as object, count)
      }
      if ((property === 'query' || property === 'execute') && typeof value === 'function') {
        return (...args: unknown[]) => {
          count()
          return Reflect.apply(value, target, args)
        }
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe.each(['postgresql', 'mysql'] as const)('round trips per config request on %s', (dialect) => {
  let target: NodeTarget
  let statements = 0
  let db: Db
  let close: () => Promise<void>

  beforeAll(async () => {
    target = await startNodeTarget({}, { database: dialect })
    expect((await seed(target, sample)).status).toBe(200)
    const { url } = target.connection.dialect === 'sqlite' ? { url: '' } : { url: databaseUrlOf(target) }
    if (dialect === 'postgresql') {
      const client = postgres(url, { max: 1, debug: () => void statements++ })
      db = createPostgresDb(client)
      close = () => client.end()
    } else {
      const pool = createPool({ uri: url, connectionLimit: 1 })
      db = createMysqlDb(countingPool<Pool>(pool, () => void statements++))
      close = () => new Promise((resolve) => pool.end(() => resolve()))
    }
  })
  afterAll(async () => {
    await close()
    await target.stop()
  })

  it.each([
    ['a known domain', 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40example.net', 200],
    ['an unknown domain', 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40nowhere.example', 404],
  ])('Autoconfig for %s sends one statement, and none from a warm cache', async (_case, url, status) => {
    const app = createApp({ database: () => singleHandle(db) })
    statements = 0
    expect((await app.fetch(new Request(url), { LOG_LEVEL: 'warn' })).status).toBe(status)
    expect(statements).toBe(1)
    expect((await app.fetch(new Request(url), { LOG_LEVEL: 'warn' })).status).toBe(status)
    expect(statements).toBe(1)
  })
})

/** The URL the target's own connection was opened with (its driver keeps it). */
function databaseUrlOf(target: NodeTarget): string {
  const { connection } = target
  if (connection.dialect === 'postgresql') {
    const { host, port, database, user, pass } = connection.client.options as unknown as { host: string[]; port: number[]; database: string; user: string; pass: string }
    return `postgres://${user}:${pass}@${host[0]}:${port[0]}/${database}`
  }
  if (connection.dialect === 'mysql') {
    const config = (connection.client as unknown as { config: { connectionConfig: { host: string; port: number; user: string; password: string; database: string } } }).config.connectionConfig
    return `mysql://${config.user}:${config.password}@${config.host}:${config.port}/${config.database}`
  }
  throw new Error('not a server target')
}
