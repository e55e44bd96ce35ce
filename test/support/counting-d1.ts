/**
 * Wraps the real D1 binding and records what the Worker sends through it, to prove the
 * one-round-trip rule. Statements are not wrapped (D1 only batches its own statement objects);
 * every statement is prepared once, so: round trips = single statements + batch calls.
 */
export interface D1Counter {
  readonly binding: D1Database
  readonly statements: string[]
  roundTrips(): number
}

export function countingD1(real: D1Database): D1Counter {
  const statements: string[] = []
  let batched = 0
  let batches = 0
  const binding = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'prepare') {
        return (query: string) => {
          statements.push(query)
          return target.prepare(query)
        }
      }
      if (property === 'batch') {
        return (list: D1PreparedStatement[]) => {
          batches++
          batched += list.length
          return target.batch(list)
        }
      }
      if (property === 'exec') {
        return (query: string) => {
          statements.push(query)
          return target.exec(query)
        }
      }
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { binding, statements, roundTrips: () => statements.length - batched + batches }
}
