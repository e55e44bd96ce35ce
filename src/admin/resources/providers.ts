/** /admin/providers: list, create, read, replace, delete (`?cascade=true` takes its domains along). */
import { Hono } from 'hono'
import { createProvider, deleteProvider, findProvider, listProviders, updateProvider } from './providers-store'
import type { AppEnv } from '../../app/env'
import { providerBody, toProviderRow } from './fields'
import { badId, notFound, parseFlag, parseId, readBody } from '../request'

export const adminProviders = new Hono<AppEnv>()

adminProviders.get('/', async (c) => c.json(await listProviders(c.var.db)))

adminProviders.post('/', async (c) => {
  const body = await readBody(c, providerBody)
  if (!body.ok) return body.error
  return c.json(await createProvider(c.var.db, toProviderRow(body.value.name, body.value.short_name)), 201)
})

adminProviders.get('/:id', async (c) => {
  const id = parseId(c.req.param('id'))
  if (id === null) return badId(c, c.req.param('id'))
  const provider = await findProvider(c.var.db, id)
  return provider ? c.json(provider) : notFound(c, `provider ${id}`)
})

adminProviders.put('/:id', async (c) => {
  const id = parseId(c.req.param('id'))
  if (id === null) return badId(c, c.req.param('id'))
  const body = await readBody(c, providerBody)
  if (!body.ok) return body.error
  const provider = await updateProvider(c.var.db, id, toProviderRow(body.value.name, body.value.short_name))
  return provider ? c.json(provider) : notFound(c, `provider ${id}`)
})

adminProviders.delete('/:id', async (c) => {
  const id = parseId(c.req.param('id'))
  if (id === null) return badId(c, c.req.param('id'))
  const cascade = parseFlag(c, 'cascade')
  if (!cascade.ok) return cascade.error
  const deleted = await deleteProvider(c.var.db, id, cascade.value)
  if (deleted.ok) return c.json({ deleted: deleted.value })
  if (deleted.error.kind === 'not-found') return notFound(c, `provider ${id}`)
  const { domains } = deleted.error
  return c.json(
    { error: `provider ${id} still has ${domains.length} domain(s): ${domains.join(', ')}; delete them first or add ?cascade=true`, domains },
    409,
  )
})
