/**
 * automx2-compatible seeding: GET /initdb/ loads the sample data, POST loads a JSON seed document,
 * DELETE purges everything. Admin only (routes/admin-auth.ts).
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { countProviders, purgeAll, writeSeed } from './write'
import type { AppEnv } from '../app/env'
import { parseSeed } from './format'
import sample from '../../seed/sample.json'
import { requireAdmin } from '../admin/auth'
import { failAsJson, protocolRouter } from '../app/failures'

export const SEED_BODY_LIMIT = 5 * 1024 * 1024

async function load(c: Context<AppEnv>, document: unknown) {
  const plan = parseSeed(document)
  if (!plan.ok) return c.json({ error: 'invalid seed document', problems: plan.error }, 400)
  const existing = await countProviders(c.var.db)
  if (existing > 0) {
    return c.json(
      { error: `the database already holds ${existing} provider(s); DELETE /initdb/ first to replace them` },
      409,
    )
  }
  const written = await writeSeed(c.var.db, plan.value)
  if (!written.ok) {
    return c.json({ error: 'the seed conflicts with data written meanwhile; nothing was written' }, 409)
  }
  return c.json({ written: written.value }, 200)
}

export const initdb = protocolRouter(failAsJson).router
for (const path of ['/initdb', '/initdb/']) {
  initdb.use(path, requireAdmin)
  initdb.get(path, (c) => load(c, sample))
  initdb.post(
    path,
    bodyLimit({
      maxSize: SEED_BODY_LIMIT,
      onError: (c) => c.json({ error: `the seed document is larger than ${SEED_BODY_LIMIT} bytes` }, 413),
    }),
    async (c) => {
      const body = await c.req.text()
      let document: unknown
      try {
        document = JSON.parse(body)
      } catch (error) {
        const reason = error instanceof SyntaxError ? error.message : 'unreadable'
        return c.json({ error: `the body is not valid JSON: ${reason}` }, 400)
      }
      return load(c, document)
    },
  )
  initdb.delete(path, async (c) => c.json({ deleted: await purgeAll(c.var.db) }, 200))
}
