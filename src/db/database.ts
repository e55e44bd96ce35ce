/**
 * A database as the app holds it for the life of an isolate (the Node process): the handle config
 * reads go through, and a session per admin request. Consistency (README "Caches and replicas"):
 *
 * - D1: config reads may be answered by the nearest read replica (`first-unconstrained`), which can
 *   lag the primary. An admin request runs in one session that starts on the primary
 *   (`first-primary`), so it reads what it wrote; when it ends, its bookmark becomes the start of
 *   every later read session in this isolate, so the isolate that served a write (and cleared its
 *   domain cache) never refills the cache from a replica that has not seen the write yet.
 * - libsql: one client, no sessions. A Turso embedded replica (LIBSQL_SYNC_URL, src/node/database.ts)
 *   reads a local file that syncs with the primary; the client forwards writes and reads its own.
 */
import { createD1Db, type Db } from './client'
import { sessionAsBinding, sessionPerExecution } from './d1-sessions'

export interface AdminSession {
  readonly db: Db
  /** After the request: later reads through this Database start from what it wrote. */
  settle(): void
}

export interface Database {
  /** For config reads and /healthz: may be answered by a replica. One per Database, kept. */
  readonly reads: Db
  /** For one admin request: its statements see each other's writes. */
  admin(): AdminSession
}

const singleHandles = new WeakMap<Db, Database>()

/**
 * One database handle for both (libsql: the client reads what it wrote). The same Database for the
 * same handle: the domain cache is keyed by it, so apps sharing a handle (the Node test target
 * starts several servers on one client) also share their cache and its invalidations.
 */
export function singleHandle(db: Db): Database {
  let database = singleHandles.get(db)
  if (!database) singleHandles.set(db, (database = { reads: db, admin: () => ({ db, settle() {} }) }))
  return database
}

export function d1Database(binding: D1Database): Database {
  // The newest bookmark an admin request of this isolate ended with. Bookmarks order as strings
  // (workerd's own session keeps the greater of two by localeCompare).
  let floor: string | null = null
  const reads = createD1Db(sessionPerExecution(binding, () => binding.withSession(floor ?? 'first-unconstrained')))
  return {
    reads,
    admin() {
      // Opened by the first statement: an admin request refused before any (401, 404) opens none.
      let session: D1DatabaseSession | null = null
      const open = () => (session ??= binding.withSession('first-primary'))
      return {
        db: createD1Db(sessionAsBinding(binding, open)),
        settle() {
          const bookmark = session?.getBookmark() ?? null
          if (bookmark !== null && (floor === null || floor.localeCompare(bookmark) < 0)) floor = bookmark
        },
      }
    },
  }
}
