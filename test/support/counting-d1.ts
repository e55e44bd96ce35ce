/**
 * Wraps the real D1 binding and records every statement the Worker executes through it, to prove
 * the one-round-trip rule. Statements are wrapped so that executions of a statement prepared once
 * and run many times (Drizzle's prepared queries) are all counted; D1 batches only its own
 * statement objects, so batch() unwraps them again. Round trips = single executions + batch calls.
 */
export interface D1Counter {
  readonly binding: D1Database
  /** The SQL of every executed statement, in order (a batch adds each of its statements). */
  readonly statements: string[]
  roundTrips(): number
}

const EXECUTIONS = new Set<PropertyKey>(['first', 'all', 'run', 'raw'])

export function countingD1(real: D1Database): D1Counter {
  const statements: string[] = []
  const unwrapped = new WeakMap<object, { readonly statement: D1PreparedStatement; readonly query: string }>()
  let singles = 0
  let batches = 0

  function wrap(statement: D1PreparedStatement, query: string): D1PreparedStatement {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), query)
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (!EXECUTIONS.has(property)) return value.bind(target)
        return (...args: unknown[]) => {
          statements.push(query)
          singles++
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    })
    unwrapped.set(proxy, { statement, query })
    return proxy
  }

  const binding = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'prepare') return (query: string) => wrap(target.prepare(query), query)
      if (property === 'batch') {
        return (list: D1PreparedStatement[]) => {
          batches++
          return target.batch(
            list.map((statement) => {
              const known = unwrapped.get(statement)
              statements.push(known?.query ?? '(a statement not prepared through this binding)')
              return known?.statement ?? statement
            }),
          )
        }
      }
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
  return { binding, statements, roundTrips: () => singles + batches }
}
