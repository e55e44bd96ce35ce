/** /admin/domains: list (`?provider_id=`), create, read, replace, delete; by id or by name. */
import { Hono, type Context } from 'hono'
import { createDomain, deleteDomain, findDomain, listDomains, updateDomain, type DomainInput, type DomainWriteError } from './domains-store'
import type { AppEnv } from '../../app/env'
import { domainBody } from './fields'
import { badDomainKey, badId, notFound, parseDomainKey, parseId, readBody } from '../request'

export const adminDomains = new Hono<AppEnv>()

type Body = { name: string; provider_id: number; ldapserver_id: number | null }
const toInput = (b: Body): DomainInput => ({ name: b.name, providerId: b.provider_id, ldapserverId: b.ldapserver_id })

/** 404 for the addressed domain; references in the body are the body's fault (400 naming the field). */
function refused(c: Context<AppEnv>, error: DomainWriteError, input: DomainInput, key: string) {
  switch (error) {
    case 'not-found':
      return notFound(c, `domain ${key}`)
    case 'duplicate':
      return c.json({ error: `the domain ${input.name} already exists` }, 409)
    case 'no-provider':
      return c.json({ error: 'invalid request body', problems: [{ path: 'provider_id', message: `no provider ${input.providerId}` }] }, 400)
    case 'no-ldapserver':
      return c.json({ error: 'invalid request body', problems: [{ path: 'ldapserver_id', message: `no LDAP server ${input.ldapserverId}` }] }, 400)
  }
}

adminDomains.get('/', async (c) => {
  const raw = c.req.query('provider_id')
  const providerId = raw === undefined ? undefined : parseId(raw)
  if (providerId === null) return badId(c, raw ?? '')
  return c.json(await listDomains(c.var.db, providerId))
})

adminDomains.post('/', async (c) => {
  const body = await readBody(c, domainBody)
  if (!body.ok) return body.error
  const input = toInput(body.value)
  const created = await createDomain(c.var.db, input)
  return created.ok ? c.json(created.value, 201) : refused(c, created.error, input, input.name)
})

adminDomains.get('/:key', async (c) => {
  const key = parseDomainKey(c.req.param('key'))
  if (key === null) return badDomainKey(c, c.req.param('key'))
  const domain = await findDomain(c.var.db, key)
  return domain ? c.json(domain) : notFound(c, `domain ${c.req.param('key')}`)
})

adminDomains.put('/:key', async (c) => {
  const key = parseDomainKey(c.req.param('key'))
  if (key === null) return badDomainKey(c, c.req.param('key'))
  const body = await readBody(c, domainBody)
  if (!body.ok) return body.error
  const existing = await findDomain(c.var.db, key)
  if (!existing) return notFound(c, `domain ${c.req.param('key')}`)
  const input = toInput(body.value)
  const updated = await updateDomain(c.var.db, existing.id, input)
  return updated.ok ? c.json(updated.value) : refused(c, updated.error, input, c.req.param('key'))
})

adminDomains.delete('/:key', async (c) => {
  const key = parseDomainKey(c.req.param('key'))
  if (key === null) return badDomainKey(c, c.req.param('key'))
  const existing = await findDomain(c.var.db, key)
  const deleted = existing ? await deleteDomain(c.var.db, existing.id) : null
  return deleted?.ok ? c.json({ deleted: deleted.value }) : notFound(c, `domain ${c.req.param('key')}`)
})
