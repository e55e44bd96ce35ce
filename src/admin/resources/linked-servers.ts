/**
 * What mail servers (admin/resources/servers.ts), DAV servers (davservers.ts), URL servers
 * (urlservers.ts) and ManageSieve servers (sieveservers.ts) share: a table of
 * servers linked to domains through a link table. List, create, read, replace and delete, and link
 * to or unlink from a domain with `PUT|DELETE …/{id}/domains/{domain}` (idempotent). A server belongs
 * to no provider: it serves whichever domains it is linked to, and deleting it removes its links only.
 */
import { asc, eq } from 'drizzle-orm'
import { createSelectSchema } from 'drizzle-zod'
import type * as z from 'zod'
import type { davserver, server, sieveserver, urlserver } from '../../../schema/schema'
import { isConstraintViolation, readBatch, runBatch } from '../../db/batch'
import { DatabaseUnavailableError, usingDatabase, type Db } from '../../db/client'
import { domainNames } from '../fields'
import { adminRouter, declare, named, zodBody, type AdminRouter } from '../operation'
import { COMMON_ANSWERS, created, domainKeyParam, idParam, listed, notFound, problem } from '../request'
import { findDomain } from './domains'
import { deleteLinksOf, groupLinks, linkStatement, selectLinks, unlinkStatement, type LinkTable } from './links'

type ServerTable = typeof server | typeof davserver | typeof urlserver | typeof sieveserver

export interface LinkedServers<T extends ServerTable, S extends z.ZodType> {
  readonly table: T
  readonly links: LinkTable
  /** The path segment and OpenAPI tag: `servers`, `davservers`. */
  readonly plural: string
  /** For messages: "server 3", "DAV server 3". */
  readonly label: string
  /** The schema names and operationId stem: `Server` → Server, ServerBody, listServers, … */
  readonly noun: string
  /** The request body, validated and given its defaults: an insert row without id. */
  readonly input: S
  /** Writes a validated body: a new row, or over row `id`; each returns the row written, if any. */
  readonly insert: (db: Db, body: z.output<S>) => Promise<T['$inferSelect'] | undefined>
  readonly update: (db: Db, id: number, body: z.output<S>) => Promise<T['$inferSelect'] | undefined>
}

export function linkedServerRoutes<T extends ServerTable, S extends z.ZodType>(spec: LinkedServers<T, S>): AdminRouter {
  const { table, links, plural, label, noun } = spec
  type Row = T['$inferSelect']
  const BODY = named(`${noun}Body`, spec.input, 'input')
  const VIEW = named(noun, createSelectSchema(table).extend({ domains: domainNames }), 'output')
  const ID = idParam(`${label} id`)
  const DOMAIN = domainKeyParam('domain')

  // Servers and their links in one batch: one round trip, one consistent snapshot.
  async function list(db: Db, id?: number) {
    const [rows, linked] = await readBatch(db, (q) => {
      const servers = q.select().from(table).orderBy(asc(table.id))
      return [id === undefined ? servers : servers.where(eq(table.id, id)), selectLinks(q, links, id)]
    })
    const byServer = groupLinks(linked)
    return (rows as Row[]).map((row) => ({ ...row, domains: byServer.get(row.id) ?? [] }))
  }
  const find = async (db: Db, id: number) => (await list(db, id))[0] ?? null

  const routes = adminRouter()
  const answers = (ok: string) => ({ 200: { description: ok, json: VIEW }, 400: problem('invalid id or body'), 404: problem(`no such ${label}`), ...COMMON_ANSWERS })

  declare(routes, { method: 'get', path: '/', operationId: `list${noun}s`, summary: `List ${label}s with the domains they serve`, tag: plural, answers: listed(VIEW, `every ${label}`) }, async (c) =>
    c.json(await list(c.var.db)),
  )

  declare(
    routes,
    { method: 'post', path: '/', operationId: `create${noun}`, summary: `Create a ${label}`, tag: plural, body: zodBody(BODY), answers: created(VIEW) },
    async (c, body) => {
      const row = await usingDatabase(() => spec.insert(c.var.db, body))
      if (!row) throw new Error('INSERT … RETURNING returned no row')
      return c.json({ ...row, domains: [] }, 201)
    },
  )

  declare(routes, { method: 'get', path: '/{id}', operationId: `get${noun}`, summary: `Read a ${label}`, tag: plural, parameters: [ID], answers: answers(`the ${label}`) }, async (c) => {
    const id = ID.read(c)
    if (!id.ok) return id.error
    const found = await find(c.var.db, id.value)
    return found ? c.json(found) : notFound(c, `${label} ${id.value}`)
  })

  declare(
    routes,
    { method: 'put', path: '/{id}', operationId: `replace${noun}`, summary: `Replace a ${label} (omitted optional fields take their defaults; links stay)`, tag: plural, parameters: [ID], body: zodBody(BODY), answers: answers('replaced') },
    async (c, body) => {
      const id = ID.read(c)
      if (!id.ok) return id.error
      const row = await usingDatabase(() => spec.update(c.var.db, id.value, body))
      const found = row ? await find(c.var.db, id.value) : null
      return found ? c.json(found) : notFound(c, `${label} ${id.value}`)
    },
  )

  declare(
    routes,
    { method: 'delete', path: '/{id}', operationId: `delete${noun}`, summary: `Delete a ${label} with its links`, tag: plural, parameters: [ID], answers: { 200: { description: 'deleted', json: { type: 'object', properties: { deleted: { type: 'object', properties: { id: { type: 'integer' } } } } } }, 400: problem('not an id'), 404: problem(`no such ${label}`), ...COMMON_ANSWERS } },
    async (c) => {
      const id = ID.read(c)
      if (!id.ok) return id.error
      const written = await runBatch(c.var.db, (db) => [deleteLinksOf(db, links, id.value), db.delete(table).where(eq(table.id, id.value)).returning({ id: table.id })])
      return written.ok && written.value[1].length > 0 ? c.json({ deleted: { id: id.value } }) : notFound(c, `${label} ${id.value}`)
    },
  )

  for (const [method, linked] of [['put', true], ['delete', false]] as const) {
    declare(
      routes,
      {
        method,
        path: '/{id}/domains/{domain}',
        operationId: `${linked ? 'link' : 'unlink'}${noun}`,
        summary: `${linked ? 'Link the' : 'Unlink the'} ${label} ${linked ? 'to' : 'from'} a domain (idempotent)`,
        tag: plural,
        parameters: [ID, DOMAIN],
        answers: { ...answers(`the ${label} with its domains`), 404: problem(`no such ${label} or domain`), 409: problem('changed meanwhile') },
      },
      async (c) => {
        const id = ID.read(c)
        if (!id.ok) return id.error
        const key = DOMAIN.read(c)
        if (!key.ok) return key.error
        const { db } = c.var
        const [server, domain] = await Promise.all([find(db, id.value), findDomain(db, key.value)])
        if (!server) return notFound(c, `${label} ${id.value}`)
        if (!domain) return notFound(c, `domain ${c.req.param('domain')}`)
        try {
          if (linked) await linkStatement(db, links, id.value, domain.id)
          else await unlinkStatement(db, links, id.value, domain.id)
        } catch (cause) {
          // A conflict here means the server or the domain was deleted meanwhile.
          if (isConstraintViolation(cause)) return c.json({ error: `${label} ${id.value} or domain ${domain.name} changed meanwhile; try again` }, 409)
          throw DatabaseUnavailableError.from(cause)
        }
        return c.json(await find(db, id.value))
      },
    )
  }
  return routes
}
