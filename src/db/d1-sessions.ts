/**
 * D1 read replication (the Sessions API) in the shape Drizzle's D1 driver takes: a `D1Database`.
 * The driver only ever prepares statements and batches them through its client, so a session, or a
 * source of sessions, can stand in for the binding without Drizzle knowing.
 *
 * - `sessionAsBinding`: every statement in one session (an admin request: it starts on the primary
 *   and later statements see what earlier ones wrote).
 * - `sessionPerExecution`: a new session for every execution, opened when it runs. Drizzle prepares
 *   a query once and binds it for each execution (db/domain-query.ts keeps the domain lookup
 *   prepared per isolate, because building it costs more than running it); a statement prepared on
 *   one session would send every later execution through that session. Config requests run one
 *   statement each, so a session per execution is a session per request, as D1 intends.
 */

/** What opens a session: the binding, and where the session's first query may go. */
export type OpenSession = () => D1DatabaseSession

type Values = readonly unknown[]

/** A statement that runs in a session opened when it executes (or in the batch's session). */
class StatementPerExecution implements D1PreparedStatement {
  constructor(
    private readonly open: OpenSession,
    readonly query: string,
    private readonly values: Values = [],
  ) {}

  bind(...values: unknown[]): D1PreparedStatement {
    return new StatementPerExecution(this.open, this.query, values)
  }

  /** The same statement in a given session: how a batch runs all of its statements in one. */
  in(session: D1DatabaseSession): D1PreparedStatement {
    return session.prepare(this.query).bind(...this.values)
  }

  private inNewSession(): D1PreparedStatement {
    return this.in(this.open())
  }

  first<T = unknown>(colName: string): Promise<T | null>
  first<T = Record<string, unknown>>(): Promise<T | null>
  first<T>(colName?: string): Promise<T | null> {
    return colName === undefined ? this.inNewSession().first<T>() : this.inNewSession().first<T>(colName)
  }

  run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.inNewSession().run<T>()
  }

  all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.inNewSession().all<T>()
  }

  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>
  raw<T>(options?: { columnNames?: boolean }): Promise<[string[], ...T[]] | T[]> {
    return options?.columnNames === true ? this.inNewSession().raw<T>({ columnNames: true }) : this.inNewSession().raw<T>()
  }
}

/** The parts of D1Database that no session has: `exec` and `dump` run on the binding (the primary). */
function bindingOnly(binding: D1Database): Pick<D1Database, 'exec' | 'withSession' | 'dump'> {
  return {
    exec: (query) => binding.exec(query),
    withSession: (constraintOrBookmark) => binding.withSession(constraintOrBookmark),
    dump: () => binding.dump(),
  }
}

/** Every statement in one session, `session()`: the same one each time it is called. */
export function sessionAsBinding(binding: D1Database, session: OpenSession): D1Database {
  return {
    prepare: (query) => session().prepare(query),
    batch: <T = unknown>(statements: D1PreparedStatement[]) => session().batch<T>(statements),
    ...bindingOnly(binding),
  }
}

/** Each execution (a statement, or a batch as a whole) in a new session from `open`. */
export function sessionPerExecution(binding: D1Database, open: OpenSession): D1Database {
  return {
    prepare: (query) => new StatementPerExecution(open, query),
    batch: <T = unknown>(statements: D1PreparedStatement[]) => {
      const session = open()
      return session.batch<T>(
        statements.map((statement) => {
          if (!(statement instanceof StatementPerExecution)) throw new Error('a batch of statements prepared elsewhere')
          return statement.in(session)
        }),
      )
    },
    ...bindingOnly(binding),
  }
}
