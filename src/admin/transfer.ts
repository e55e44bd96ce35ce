/**
 * GET /admin/export: the whole database as a seed document (multi-provider form, ids kept);
 * `?include_secrets=true` adds the LDAP bind passwords. POST /admin/import loads such a document
 * (or any seed document) all-or-nothing: into an empty database, or with `?replace=true` in place
 * of everything, deletes and inserts in one batch.
 */
import { Hono } from 'hono'
import { exportDatabase } from '../seed/export'
import { isDatabaseEmpty, writeSeed } from '../seed/write'
import type { AppEnv } from '../app/env'
import { parseSeed } from '../seed/format'
import { SEED_BODY_LIMIT } from '../seed/initdb'
import { limitBody, parseFlag, readJson } from './request'

export const adminTransfer = new Hono<AppEnv>()

adminTransfer.get('/export', async (c) => {
  const includeSecrets = parseFlag(c, 'include_secrets')
  if (!includeSecrets.ok) return includeSecrets.error
  return c.json(await exportDatabase(c.var.db, { includeSecrets: includeSecrets.value }))
})

adminTransfer.post('/import', limitBody(SEED_BODY_LIMIT), async (c) => {
  const replace = parseFlag(c, 'replace')
  if (!replace.ok) return replace.error
  const document = await readJson(c)
  if (!document.ok) return document.error
  const plan = parseSeed(document.value)
  if (!plan.ok) return c.json({ error: 'invalid seed document', problems: plan.error }, 400)
  if (!replace.value && !(await isDatabaseEmpty(c.var.db))) {
    return c.json({ error: 'the database is not empty; add ?replace=true to replace everything in it' }, 409)
  }
  const written = await writeSeed(c.var.db, plan.value, { replace: replace.value })
  if (!written.ok) return c.json({ error: 'the document conflicts with data written meanwhile; nothing was written' }, 409)
  return c.json({ written: written.value, replaced: replace.value })
})
