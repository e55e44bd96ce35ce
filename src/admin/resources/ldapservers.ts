/**
 * /admin/ldapservers: list, create, read, replace, delete. `bind_password` is write-only: views
 * carry `has_bind_password` instead. On PUT an absent `bind_password` keeps the stored one (a
 * client that read the view cannot send it back) and `null` removes it (anonymous bind).
 */
import { Hono } from 'hono'
import type { z } from 'zod'
import { createLdapServer, deleteLdapServer, findLdapServer, listLdapServers, updateLdapServer, type LdapServerInput } from './ldapservers-store'
import type { AppEnv } from '../../app/env'
import { ldapServerBody, toLdapServerRow } from './fields'
import { badId, notFound, parseId, readBody } from '../request'

export const adminLdapServers = new Hono<AppEnv>()

const toInput = (body: z.output<typeof ldapServerBody>): LdapServerInput => ({
  ...toLdapServerRow(body),
  bindPassword: body.bind_password,
})

adminLdapServers.get('/', async (c) => c.json(await listLdapServers(c.var.db)))

adminLdapServers.post('/', async (c) => {
  const body = await readBody(c, ldapServerBody)
  if (!body.ok) return body.error
  return c.json(await createLdapServer(c.var.db, toInput(body.value)), 201)
})

adminLdapServers.get('/:id', async (c) => {
  const id = parseId(c.req.param('id'))
  if (id === null) return badId(c, c.req.param('id'))
  const server = await findLdapServer(c.var.db, id)
  return server ? c.json(server) : notFound(c, `LDAP server ${id}`)
})

adminLdapServers.put('/:id', async (c) => {
  const id = parseId(c.req.param('id'))
  if (id === null) return badId(c, c.req.param('id'))
  const body = await readBody(c, ldapServerBody)
  if (!body.ok) return body.error
  const server = await updateLdapServer(c.var.db, id, toInput(body.value))
  return server ? c.json(server) : notFound(c, `LDAP server ${id}`)
})

adminLdapServers.delete('/:id', async (c) => {
  const id = parseId(c.req.param('id'))
  if (id === null) return badId(c, c.req.param('id'))
  const deleted = await deleteLdapServer(c.var.db, id)
  if (deleted.ok) return c.json({ deleted: deleted.value })
  if (deleted.error.kind === 'not-found') return notFound(c, `LDAP server ${id}`)
  const { domains } = deleted.error
  return c.json({ error: `LDAP server ${id} is used by ${domains.join(', ')}; point those domains elsewhere first`, domains }, 409)
})
