/**
 * /admin/servers (IMAP, POP3, SMTP) and /admin/davservers (CalDAV, CardDAV): list, create, read,
 * replace, delete, and link to or unlink from a domain with
 * `PUT|DELETE /admin/<servers|davservers>/<id>/domains/<domain id or name>` (idempotent).
 */
import { Hono } from 'hono'
import type { z } from 'zod'
import { findDomain } from './domains-store'
import * as store from './servers-store'
import type { Db } from '../../db/client'
import type { AppEnv } from '../../app/env'
import { davServerBody, mailServerBody, toDavServerRow, toServerRow } from './fields'
import { badDomainKey, badId, notFound, parseDomainKey, parseId, readBody } from '../request'

interface ServerResource<S extends z.ZodType, Row, View> {
  readonly kind: store.ServerKind
  /** For messages: "server 3", "DAV server 3". */
  readonly label: string
  readonly body: S
  readonly toRow: (body: z.output<S>) => Row
  readonly list: (db: Db) => Promise<View[]>
  readonly find: (db: Db, id: number) => Promise<View | null>
  readonly create: (db: Db, row: Row) => Promise<View>
  readonly update: (db: Db, id: number, row: Row) => Promise<View | null>
  readonly remove: (db: Db, id: number) => Promise<boolean>
}

function serverRoutes<S extends z.ZodType, Row, View>(r: ServerResource<S, Row, View>): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/', async (c) => c.json(await r.list(c.var.db)))

  routes.post('/', async (c) => {
    const body = await readBody(c, r.body)
    if (!body.ok) return body.error
    return c.json(await r.create(c.var.db, r.toRow(body.value)), 201)
  })

  routes.get('/:id', async (c) => {
    const id = parseId(c.req.param('id'))
    if (id === null) return badId(c, c.req.param('id'))
    const server = await r.find(c.var.db, id)
    return server ? c.json(server) : notFound(c, `${r.label} ${id}`)
  })

  routes.put('/:id', async (c) => {
    const id = parseId(c.req.param('id'))
    if (id === null) return badId(c, c.req.param('id'))
    const body = await readBody(c, r.body)
    if (!body.ok) return body.error
    const server = await r.update(c.var.db, id, r.toRow(body.value))
    return server ? c.json(server) : notFound(c, `${r.label} ${id}`)
  })

  routes.delete('/:id', async (c) => {
    const id = parseId(c.req.param('id'))
    if (id === null) return badId(c, c.req.param('id'))
    return (await r.remove(c.var.db, id)) ? c.json({ deleted: { id } }) : notFound(c, `${r.label} ${id}`)
  })

  for (const [method, linked] of [['put', true], ['delete', false]] as const) {
    routes[method]('/:id/domains/:domain', async (c) => {
      const id = parseId(c.req.param('id'))
      if (id === null) return badId(c, c.req.param('id'))
      const key = parseDomainKey(c.req.param('domain'))
      if (key === null) return badDomainKey(c, c.req.param('domain'))
      const [server, domain] = await Promise.all([r.find(c.var.db, id), findDomain(c.var.db, key)])
      if (!server) return notFound(c, `${r.label} ${id}`)
      if (!domain) return notFound(c, `domain ${c.req.param('domain')}`)
      const written = await store.setLink(c.var.db, r.kind, id, domain.id, linked)
      // A conflict here means the server or domain was deleted meanwhile.
      if (!written.ok) return c.json({ error: `${r.label} ${id} or domain ${domain.name} changed meanwhile; try again` }, 409)
      return c.json(await r.find(c.var.db, id))
    })
  }
  return routes
}

export const adminServers = serverRoutes({
  kind: 'server',
  label: 'server',
  body: mailServerBody,
  toRow: toServerRow,
  list: (db) => store.listServers(db),
  find: store.findServer,
  create: store.createServer,
  update: store.updateServer,
  remove: store.deleteServer,
})

export const adminDavServers = serverRoutes({
  kind: 'davserver',
  label: 'DAV server',
  body: davServerBody,
  toRow: toDavServerRow,
  list: (db) => store.listDavServers(db),
  find: store.findDavServer,
  create: store.createDavServer,
  update: store.updateDavServer,
  remove: store.deleteDavServer,
})
