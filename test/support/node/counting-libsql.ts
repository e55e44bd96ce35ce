/**
 * Wraps a real libsql client and counts what goes to the database: every `execute` is one round
 * trip, every `batch` one more whatever its length; interactive transactions (several round trips
 * by nature) are counted apart so a test can require there are none.
 */
import type { Client } from '@libsql/client'

export interface LibsqlCounter {
  readonly client: Client
  readonly statements: string[]
  readonly transactions: number
  roundTrips(): number
}

const sqlOf = (statement: unknown): string =>
  typeof statement === 'string' ? statement : String((statement as { sql?: unknown }).sql ?? statement)

export function countingLibsql(real: Client): LibsqlCounter {
  const statements: string[] = []
  let roundTrips = 0
  let transactions = 0
  const client = new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (property === 'execute' || property === 'executeMultiple') {
        return (statement: unknown, ...rest: unknown[]) => {
          roundTrips++
          statements.push(sqlOf(statement))
          return (value as (...args: unknown[]) => unknown).call(target, statement, ...rest)
        }
      }
      if (property === 'batch' || property === 'migrate') {
        return (list: unknown[], ...rest: unknown[]) => {
          roundTrips++
          statements.push(...list.map(sqlOf))
          return (value as (...args: unknown[]) => unknown).call(target, list, ...rest)
        }
      }
      if (property === 'transaction') {
        return (...args: unknown[]) => {
          transactions++
          return (value as (...args: unknown[]) => unknown).apply(target, args)
        }
      }
      return (value as (...args: unknown[]) => unknown).bind(target)
    },
  })
  return {
    client,
    statements,
    get transactions() {
      return transactions
    },
    roundTrips: () => roundTrips,
  }
}
