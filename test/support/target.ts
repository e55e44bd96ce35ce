/**
 * What a protocol suite needs from the service under test, whatever runs it: the Worker in workerd
 * over D1 (test/support/worker-target.ts) or the Node entry over libsql, through real HTTP
 * (test/support/node/node-target.ts). Suites see only this, so they cannot depend on a driver.
 */
import type { Db } from '../../src/db/client'
import { TABLE_NAMES } from '../../src/db/tables'

/** Settings by binding / environment name (secrets, switches, LOG_LEVEL); `undefined` removes one. */
export type Settings = Readonly<Record<string, string | undefined>>

export interface ProtocolTarget {
  /** `D1 in workerd`, `libsql file: in Node over HTTP`: shown in test names. */
  readonly name: string
  readonly adminToken: string
  /**
   * A request as a client sends it. `url` is a path (host autoconfig.example.com, https) or an
   * absolute URL naming the host and scheme the client used; over HTTP the target connects to its
   * server and passes them on as a reverse proxy would (Host, X-Forwarded-Proto).
   */
  fetch(url: string, init?: RequestInit): Promise<Response>
  /** Deletes every row of every table, in a way that also clears the service's domain cache. */
  reset(): Promise<void>
  /** Rows of a SQL query run directly on the database, to check what was (not) written. */
  query(sql: string, ...args: (string | number)[]): Promise<Record<string, unknown>[]>
  /** A Drizzle handle on the same database, for db/ functions that no route reaches alone. */
  readonly db: Db
  /**
   * The same service over the same database, configured with these settings on top of the
   * target's own (as an operator sets secrets or environment variables). On Node that is another
   * server, started on first use and reused for equal settings; reset() and query() are shared.
   */
  withSettings(settings: Settings): Promise<ProtocolTarget>
  /**
   * Collects the service's log lines (one JSON object each) from now until vi.restoreAllMocks().
   * Both targets run the service in the test's own process, so this is its real console output.
   */
  captureLog(): string[]
}


export const adminHeaders = (target: ProtocolTarget) => ({ Authorization: `Bearer ${target.adminToken}` })

/** POST /initdb/ with the admin token: how suites load their data, as an operator would. */
export function seed(target: ProtocolTarget, document: unknown): Promise<Response> {
  return target.fetch('/initdb/', {
    method: 'POST',
    headers: { ...adminHeaders(target), 'Content-Type': 'application/json' },
    body: JSON.stringify(document),
  })
}

export async function tableCounts(target: ProtocolTarget): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of TABLE_NAMES) {
    const [row] = await target.query(`SELECT count(*) AS n FROM ${table}`)
    counts[table] = Number(row?.n)
  }
  return counts
}
