/**
 * /admin/domains/<domain>/activesync: the Exchange ActiveSync endpoint that mobilesync
 * Autodiscover and Autodiscover v2 announce for the domain (GET, PUT {url}, DELETE).
 */
import { Hono, type Context } from 'hono'
import { deleteActiveSyncUrl, findActiveSyncUrl, setActiveSyncUrl } from './activesync-store'
import { findDomain } from './domains-store'
import type { AppEnv } from '../../app/env'
import { activeSyncBody } from './fields'
import { badDomainKey, notFound, parseDomainKey, readBody } from '../request'

export const adminActiveSync = new Hono<AppEnv>()

async function domainOf(c: Context<AppEnv>) {
  const text = c.req.param('key') ?? ''
  const key = parseDomainKey(text)
  if (key === null) return { error: badDomainKey(c, text) }
  const domain = await findDomain(c.var.db, key)
  return domain ? { domain } : { error: notFound(c, `domain ${text}`) }
}

adminActiveSync.get('/:key/activesync', async (c) => {
  const found = await domainOf(c)
  if (!found.domain) return found.error
  const url = await findActiveSyncUrl(c.var.db, found.domain.id)
  return url === null ? notFound(c, `ActiveSync URL for ${found.domain.name}`) : c.json({ domain: found.domain.name, url })
})

adminActiveSync.put('/:key/activesync', async (c) => {
  const body = await readBody(c, activeSyncBody)
  if (!body.ok) return body.error
  const found = await domainOf(c)
  if (!found.domain) return found.error
  await setActiveSyncUrl(c.var.db, found.domain.id, body.value.url)
  return c.json({ domain: found.domain.name, url: body.value.url })
})

adminActiveSync.delete('/:key/activesync', async (c) => {
  const found = await domainOf(c)
  if (!found.domain) return found.error
  const deleted = await deleteActiveSyncUrl(c.var.db, found.domain.id)
  return deleted ? c.json({ deleted: { domain: found.domain.name } }) : notFound(c, `ActiveSync URL for ${found.domain.name}`)
})
