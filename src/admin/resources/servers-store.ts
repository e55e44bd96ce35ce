/**
 * Admin reads and writes of mail servers (table server) and DAV servers (table davserver), and
 * their links to domains. A server belongs to no provider: it serves whichever domains it is
 * linked to, and deleting it removes only its links.
 */
import { asc, eq } from 'drizzle-orm'
import * as t from '../../../schema/schema'
import type { DavServerView, ServerView } from '../views'
import type { DavServerRow, ServerRow } from './fields'
import { fail, ok, type Result } from '../../core/result'
import { DAV_LINKS, SERVER_LINKS, deleteLinksOf, groupLinks, linkStatement, selectLinks, unlinkStatement, type LinkTable } from './links'
import { isConstraintViolation, runBatch } from '../../db/batch'
import { DatabaseUnavailableError, usingDatabase, type Db } from '../../db/client'

export const toServerView = (s: typeof t.server.$inferSelect, domains: readonly string[]): ServerView => ({
  id: s.id,
  type: s.type,
  name: s.name,
  port: s.port,
  prio: s.prio,
  socket_type: s.socketType,
  user_name: s.userName,
  authentication: s.authentication,
  domains: [...domains],
})

export const toDavServerView = (d: typeof t.davserver.$inferSelect, domains: readonly string[]): DavServerView => ({
  id: d.id,
  type: d.type,
  url: d.url,
  port: d.port,
  use_ssl: d.useSsl,
  domain_required: d.domainRequired,
  user_name: d.userName,
  domains: [...domains],
})

// Servers and their links in one batch: one round trip, one consistent snapshot.
export async function listServers(db: Db, id?: number): Promise<ServerView[]> {
  const servers = db.select().from(t.server).orderBy(asc(t.server.id))
  const [rows, links] = await usingDatabase(() =>
    db.batch([id === undefined ? servers : servers.where(eq(t.server.id, id)), selectLinks(db, SERVER_LINKS, id)]),
  )
  const byServer = groupLinks(links)
  return rows.map((s) => toServerView(s, byServer.get(s.id) ?? []))
}

export async function listDavServers(db: Db, id?: number): Promise<DavServerView[]> {
  const servers = db.select().from(t.davserver).orderBy(asc(t.davserver.id))
  const [rows, links] = await usingDatabase(() =>
    db.batch([id === undefined ? servers : servers.where(eq(t.davserver.id, id)), selectLinks(db, DAV_LINKS, id)]),
  )
  const byServer = groupLinks(links)
  return rows.map((d) => toDavServerView(d, byServer.get(d.id) ?? []))
}

export const findServer = async (db: Db, id: number) => (await listServers(db, id))[0] ?? null
export const findDavServer = async (db: Db, id: number) => (await listDavServers(db, id))[0] ?? null

export async function createServer(db: Db, input: Omit<ServerRow, 'id'>): Promise<ServerView> {
  const [row] = await usingDatabase(() => db.insert(t.server).values(input).returning())
  if (!row) throw new Error('INSERT … RETURNING returned no row')
  return toServerView(row, [])
}

export async function createDavServer(db: Db, input: Omit<DavServerRow, 'id'>): Promise<DavServerView> {
  const [row] = await usingDatabase(() => db.insert(t.davserver).values(input).returning())
  if (!row) throw new Error('INSERT … RETURNING returned no row')
  return toDavServerView(row, [])
}

export async function updateServer(db: Db, id: number, input: Omit<ServerRow, 'id'>): Promise<ServerView | null> {
  const [row] = await usingDatabase(() => db.update(t.server).set(input).where(eq(t.server.id, id)).returning({ id: t.server.id }))
  return row ? findServer(db, id) : null
}

export async function updateDavServer(db: Db, id: number, input: Omit<DavServerRow, 'id'>): Promise<DavServerView | null> {
  const [row] = await usingDatabase(() => db.update(t.davserver).set(input).where(eq(t.davserver.id, id)).returning({ id: t.davserver.id }))
  return row ? findDavServer(db, id) : null
}

export async function deleteServer(db: Db, id: number): Promise<boolean> {
  const written = await runBatch(db, [deleteLinksOf(db, SERVER_LINKS, id), db.delete(t.server).where(eq(t.server.id, id)).returning({ id: t.server.id })])
  return written.ok && written.value[1].length > 0
}

export async function deleteDavServer(db: Db, id: number): Promise<boolean> {
  const written = await runBatch(db, [deleteLinksOf(db, DAV_LINKS, id), db.delete(t.davserver).where(eq(t.davserver.id, id)).returning({ id: t.davserver.id })])
  return written.ok && written.value[1].length > 0
}

export type ServerKind = 'server' | 'davserver'
const LINKS: Record<ServerKind, LinkTable> = { server: SERVER_LINKS, davserver: DAV_LINKS }

/**
 * Links (or unlinks) a server and a domain, both given by id; idempotent. The caller has checked
 * that both exist: the route names the missing one.
 */
export async function setLink(db: Db, kind: ServerKind, serverId: number, domainId: number, linked: boolean): Promise<Result<void, 'conflict'>> {
  try {
    if (linked) await linkStatement(db, LINKS[kind], serverId, domainId)
    else await unlinkStatement(db, LINKS[kind], serverId, domainId)
  } catch (cause) {
    if (isConstraintViolation(cause)) return fail('conflict')
    throw DatabaseUnavailableError.from(cause)
  }
  return ok(undefined)
}
