/**
 * Wraps the real D1 binding and records every statement the Worker executes through it, to prove
 * the one-round-trip rule. Statements are wrapped so that executions of a statement prepared once
 * and run many times (Drizzle's prepared queries) are all counted; D1 batches only its own
 * statement objects, so batch() unwraps them again. Round trips = single executions + batch calls.
 * Sessions (`withSession`) are counted the same way, and each is recorded with what it was opened
 * with (a constraint or a bookmark) and the statements that ran in it.
 */
export interface D1Counter {
  readonly binding: D1Database
  /** The SQL of every executed statement, in order (a batch adds each of its statements). */
  readonly statements: string[]
  /** Every session opened, in order. */
  readonly sessions: readonly CountedSession[]
  roundTrips(): number
}

export interface CountedSession {
  readonly opened: string | undefined
  readonly statements: string[]
  /** The real session, for its bookmark. */
  readonly session: D1DatabaseSession
}

const EXECUTIONS = new Set<PropertyKey>(['first', 'all', 'run', 'raw'])

export function countingD1(real: D1Database): D1Counter {
  const statements: string[] = []
  const sessions: CountedSession[] = []
  const unwrapped = new WeakMap<object, { readonly statement: D1PreparedStatement; readonly query: string }>()
  let singles = 0
  let batches = 0

  function wrap(statement: D1PreparedStatement, query: string, inSession?: string[]): D1PreparedStatement {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), query, inSession)
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (!EXECUTIONS.has(property)) return value.bind(target)
        return (...args: unknown[]) => {
          statements.push(query)
          inSession?.push(query)
          singles++
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    })
    unwrapped.set(proxy, { statement, query })
    return proxy
  }

  const batchOn = (target: D1Database | D1DatabaseSession, list: D1PreparedStatement[], inSession?: string[]) => {
    batches++
    return target.batch(
      list.map((statement) => {
        const known = unwrapped.get(statement)
        const query = known?.query ?? '(a statement not prepared through this binding)'
        statements.push(query)
        inSession?.push(query)
        return known?.statement ?? statement
      }),
    )
  }

  function wrapSession(session: D1DatabaseSession, opened: string | undefined): D1DatabaseSession {
    const record: CountedSession = { opened, statements: [], session }
    sessions.push(record)
    return new Proxy(session, {
      get(target, property) {
        if (property === 'prepare') return (query: string) => wrap(target.prepare(query), query, record.statements)
        if (property === 'batch') return (list: D1PreparedStatement[]) => batchOn(target, list, record.statements)
        const value: unknown = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  const binding = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'prepare') return (query: string) => wrap(target.prepare(query), query)
      if (property === 'batch') return (list: D1PreparedStatement[]) => batchOn(target, list)
      if (property === 'withSession') return (opened?: string) => wrapSession(target.withSession(opened), opened)
      if (property === 'exec') {
        return (query: string) => {
          statements.push(query)
          singles++
          return target.exec(query)
        }
      }
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { binding, statements, sessions, roundTrips: () => singles + batches }
}
