/**
 * GET /admin/export: the whole database as a seed document (multi-provider form, ids kept);
 * `?include_secrets=true` adds the LDAP bind passwords. POST /admin/import loads such a document
 * (or any seed document) all-or-nothing: into an empty database, or with `?replace=true` in place
 * of everything, deletes and inserts in one batch.
 */
import { SEED_BODY } from '../seed/format'
import { SEED_BODY_LIMIT } from '../seed/initdb'
import { exportDatabase } from '../seed/export'
import { isDatabaseEmpty, writeSeed } from '../seed/write'
import { adminRouter, declare, ref } from './operation'
import { COMMON_ANSWERS, flagQuery, limitBody, problem } from './request'

const INCLUDE_SECRETS = flagQuery('include_secrets', 'include LDAP bind passwords (the file is then as secret as they are)')
const REPLACE = flagQuery('replace', 'replace everything (otherwise the database must be empty)')
const TAG = 'transfer'

export const transfer = adminRouter()

declare(
  transfer,
  {
    method: 'get',
    path: '/export',
    operationId: 'exportDatabase',
    summary: 'The whole database as a seed document (multi-provider form, ids kept)',
    tag: TAG,
    parameters: [INCLUDE_SECRETS],
    answers: { 200: { description: 'the document', json: ref(SEED_BODY.described) }, 400: problem('a bad include_secrets value'), ...COMMON_ANSWERS },
  },
  async (c) => {
    const includeSecrets = INCLUDE_SECRETS.read(c)
    if (!includeSecrets.ok) return includeSecrets.error
    return c.json(await exportDatabase(c.var.db, { includeSecrets: includeSecrets.value }))
  },
)

transfer.post('/import', limitBody(SEED_BODY_LIMIT))
declare(
  transfer,
  {
    method: 'post',
    path: '/import',
    operationId: 'importDatabase',
    summary: 'Load a seed document, all-or-nothing',
    tag: TAG,
    parameters: [REPLACE],
    body: SEED_BODY,
    answers: {
      200: { description: 'counts written', json: { type: 'object', properties: { written: { type: 'object', additionalProperties: { type: 'integer' } }, replaced: { type: 'boolean' } } } },
      400: problem('invalid document; problems name the fields'),
      409: problem('the database is not empty'),
      413: problem('body over 5 MiB'),
      ...COMMON_ANSWERS,
    },
  },
  async (c, plan) => {
    const replace = REPLACE.read(c)
    if (!replace.ok) return replace.error
    if (!replace.value && !(await isDatabaseEmpty(c.var.db))) {
      return c.json({ error: 'the database is not empty; add ?replace=true to replace everything in it' }, 409)
    }
    const written = await writeSeed(c.var.db, plan, replace.value ? { replace: true } : { requireEmpty: 'everything' })
    if (!written.ok) return c.json({ error: 'the document conflicts with data written meanwhile; nothing was written' }, 409)
    return c.json({ written: written.value, replaced: replace.value })
  },
)
