/**
 * /admin/domains/{key}/activesync: the Exchange ActiveSync endpoint that mobilesync Autodiscover and
 * Autodiscover v2 announce for a domain (table `activesync`, at most one per domain): GET, PUT, DELETE.
 */
import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import * as z from 'zod'
import { activesync } from '../../../schema/schema'
import type { AppEnv } from '../../app/env'
import { usingDatabase } from '../../db/client'
import { httpsUrl } from '../fields'
import { adminRouter, declare, named, zodBody } from '../operation'
import { COMMON_ANSWERS, domainKeyParam, notFound, problem } from '../request'
import { findDomain } from './domains'

const BODY = named('ActiveSyncBody', z.strictObject({ url: httpsUrl }), 'input')
const VIEW = named('ActiveSync', z.object({ domain: z.string(), url: z.string().meta({ format: 'uri' }) }), 'output')
const KEY = domainKeyParam('key')
const TAG = 'activesync'

async function domainOf(c: Context<AppEnv>) {
  const key = KEY.read(c)
  if (!key.ok) return { error: key.error }
  const found = await findDomain(c.var.db, key.value)
  return found ? { domain: found } : { error: notFound(c, `domain ${c.req.param('key')}`) }
}

export const activeSync = adminRouter()

declare(
  activeSync,
  { method: 'get', path: '/{key}/activesync', operationId: 'getActiveSync', summary: "Read a domain's Exchange ActiveSync URL", tag: TAG, parameters: [KEY], answers: { 200: { description: 'the URL', json: VIEW }, 404: problem('no such domain, or no URL'), ...COMMON_ANSWERS } },
  async (c) => {
    const found = await domainOf(c)
    if (!found.domain) return found.error
    const domainId = found.domain.id
    const [row] = await usingDatabase(() => c.var.db.select({ url: activesync.url }).from(activesync).where(eq(activesync.domain_id, domainId)))
    return row ? c.json({ domain: found.domain.name, url: row.url }) : notFound(c, `ActiveSync URL for ${found.domain.name}`)
  },
)

declare(
  activeSync,
  { method: 'put', path: '/{key}/activesync', operationId: 'setActiveSync', summary: 'Set or replace the ActiveSync URL (https only)', tag: TAG, parameters: [KEY], body: zodBody(BODY), answers: { 200: { description: 'set', json: VIEW }, 400: problem('invalid body'), 404: problem('no such domain'), ...COMMON_ANSWERS } },
  async (c, body) => {
    const found = await domainOf(c)
    if (!found.domain) return found.error
    const domainId = found.domain.id
    // One statement, so it cannot half-happen.
    await usingDatabase(() =>
      c.var.db.insert(activesync).values({ domain_id: domainId, url: body.url }).onConflictDoUpdate({ target: activesync.domain_id, set: { url: body.url } }),
    )
    return c.json({ domain: found.domain.name, url: body.url })
  },
)

declare(
  activeSync,
  { method: 'delete', path: '/{key}/activesync', operationId: 'deleteActiveSync', summary: 'Remove the ActiveSync URL', tag: TAG, parameters: [KEY], answers: { 200: { description: 'removed', json: { type: 'object', properties: { deleted: { type: 'object', properties: { domain: { type: 'string' } } } } } }, 404: problem('no such domain, or no URL'), ...COMMON_ANSWERS } },
  async (c) => {
    const found = await domainOf(c)
    if (!found.domain) return found.error
    const domainId = found.domain.id
    const deleted = await usingDatabase(() => c.var.db.delete(activesync).where(eq(activesync.domain_id, domainId)).returning({ id: activesync.id }))
    return deleted.length > 0 ? c.json({ deleted: { domain: found.domain.name } }) : notFound(c, `ActiveSync URL for ${found.domain.name}`)
  },
)
