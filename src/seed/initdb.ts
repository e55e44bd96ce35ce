/**
 * automx2-compatible seeding, admin only (admin/auth.ts): GET /initdb/ loads the sample data, POST
 * loads a seed document, DELETE purges everything; with or without the trailing slash. Loading
 * needs a database without providers (409 otherwise).
 */
import type { Context } from 'hono'
import sample from '../../seed/sample.json'
import { requireAdmin } from '../admin/auth'
import { adminRouter, declare } from '../admin/operation'
import { COMMON_ANSWERS, limitBody, problem } from '../admin/request'
import type { AppEnv } from '../app/env'
import { failAsJson, protocolRouter } from '../app/failures'
import { SEED_BODY } from './format'
import { loadIntoEmpty, loadPlanIntoEmpty, purgeAll, type LoadOutcome } from './write'

export const SEED_BODY_LIMIT = 5 * 1024 * 1024

function answer(c: Context<AppEnv>, outcome: LoadOutcome) {
  switch (outcome.kind) {
    case 'written':
      return c.json({ written: outcome.counts }, 200)
    case 'invalid':
      return c.json({ error: 'invalid seed document', problems: outcome.problems }, 400)
    case 'not-empty':
      return c.json({ error: `the database already holds ${outcome.providers} provider(s); DELETE /initdb/ first to replace them` }, 409)
    case 'conflict':
      return c.json({ error: 'the seed conflicts with data written meanwhile; nothing was written' }, 409)
  }
}

const WRITTEN = {
  description: 'the rows written',
  json: { type: 'object', properties: { written: { type: 'object', additionalProperties: { type: 'integer' } } }, required: ['written'] },
}
const TAG = 'initdb'

export const initdb = protocolRouter(failAsJson, adminRouter()).router
// automx2 documents /initdb/; the document names /initdb (OpenAPI paths have no trailing slash)
// and leaves the alias out.
for (const path of ['/initdb', '/initdb/']) {
  const hidden = path === '/initdb/'
  initdb.use(path, requireAdmin)
  declare(
    initdb,
    { method: 'get', path, hidden, operationId: 'loadSample', summary: 'Load the sample data (seed/sample.json) into an empty database (also at /initdb/)', tag: TAG, answers: { 200: WRITTEN, 409: problem('the database holds providers'), ...COMMON_ANSWERS } },
    async (c) => answer(c, await loadIntoEmpty(c.var.db, sample)),
  )
  initdb.post(path, limitBody(SEED_BODY_LIMIT, 'seed document'))
  declare(
    initdb,
    {
      method: 'post',
      path,
      hidden,
      operationId: 'loadSeed',
      summary: 'Load a seed document (automx2 v1/v2 or the multi-provider form) into an empty database, all-or-nothing (also at /initdb/)',
      tag: TAG,
      body: SEED_BODY,
      answers: { 200: WRITTEN, 400: problem('invalid document; problems name the fields'), 409: problem('the database holds providers'), 413: problem('body over 5 MiB'), ...COMMON_ANSWERS },
    },
    async (c, plan) => answer(c, await loadPlanIntoEmpty(c.var.db, plan)),
  )
  declare(
    initdb,
    {
      method: 'delete',
      path,
      hidden,
      operationId: 'purge',
      summary: 'Delete every row of every table (also at /initdb/)',
      tag: TAG,
      answers: { 200: { description: 'what was deleted', json: { type: 'object', properties: { deleted: { type: 'object', properties: { providers: { type: 'integer' }, domains: { type: 'integer' } } } } } }, 409: problem('the data changed meanwhile'), ...COMMON_ANSWERS },
    },
    async (c) => {
      const purged = await purgeAll(c.var.db)
      return purged.ok ? c.json({ deleted: purged.value }, 200) : c.json({ error: 'the data changed while it was being deleted; try again' }, 409)
    },
  )
}
