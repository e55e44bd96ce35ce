/**
 * Domains (table `domain`): list (`?provider_id=`), create, read, replace, delete; addressed by id
 * or by name. Deleting a domain deletes what hangs off it (server links, its ActiveSync URL).
 */
import { asc, eq, sql } from 'drizzle-orm'
import type { Context } from 'hono'
import { createInsertSchema, createSelectSchema } from 'drizzle-zod'
import * as z from 'zod'
import { domain } from '../../../schema/schema'
import type { AppEnv } from '../../app/env'
import { runBatch } from '../../db/batch'
import { ONE_ROW } from '../../db/dialect-sql'
import { usingDatabase, type Db } from '../../db/client'
import { asReplacement, DOMAIN_DEPENDENTS } from '../../db/tables'
import { fail, ok, type Result } from '../../core/result'
import { domainName, id } from '../fields'
import { adminRouter, arrayOf, declare, deletedOf, named, zodBody } from '../operation'
import { COMMON_ANSWERS, domainKeyParam, notAnId, notFound, parseId, problem, type DomainKey } from '../request'

/** A domain as the admin API and the seed format take it (a seed names no provider id: its place does). */
export const domainObject = createInsertSchema(domain, { name: domainName, provider_id: id, ldapserver_id: id.nullable().default(null) })

const DOMAIN_BODY = named('DomainBody', domainObject.omit({ id: true }).strict(), 'input')
const domainView = createSelectSchema(domain).extend({ name: z.string().meta({ description: 'lowercase A-label (punycode) form' }) })
const DOMAIN = named('Domain', domainView, 'output')
type DomainInput = z.output<typeof DOMAIN_BODY.schema>
type DomainRow = typeof domain.$inferSelect

/** What makes a domain write impossible, each answered with its own status. */
type DomainWriteError = 'not-found' | 'duplicate' | 'no-provider' | 'no-ldapserver'

const whereKey = (key: DomainKey) => ('id' in key ? eq(domain.id, key.id) : eq(domain.name, key.name))

export async function findDomain(db: Db, key: DomainKey): Promise<DomainRow | null> {
  const [row] = await usingDatabase(() => db.select().from(domain).where(whereKey(key)))
  return row ?? null
}

/**
 * Checks the references of a domain write in one read, so each failure can be named: the provider
 * and LDAP server must exist, the name must be free (or be this domain's own).
 */
async function checkReferences(db: Db, input: DomainInput, self: number | null): Promise<DomainWriteError | null> {
  const [row] = await usingDatabase(() =>
    db
      .select({
        provider: sql<number>`(SELECT count(*) FROM provider WHERE id = ${input.provider_id})`.mapWith(Number),
        ldap: sql<number>`(SELECT count(*) FROM ldapserver WHERE id = ${input.ldapserver_id ?? -1})`.mapWith(Number),
        taken: sql<number>`(SELECT count(*) FROM domain WHERE name = ${input.name} AND id <> ${self ?? -1})`.mapWith(Number),
        self: sql<number>`(SELECT count(*) FROM domain WHERE id = ${self ?? -1})`.mapWith(Number),
      })
      .from(ONE_ROW),
  )
  if (self !== null && !row?.self) return 'not-found'
  if (!row?.provider) return 'no-provider'
  if (input.ldapserver_id !== null && !row.ldap) return 'no-ldapserver'
  if (row.taken) return 'duplicate'
  return null
}

/** Creates (`self` null) or replaces a domain; a concurrent write taking the name is a duplicate. */
async function writeDomain(db: Db, input: DomainInput, self: number | null): Promise<Result<DomainRow, DomainWriteError>> {
  const problem = await checkReferences(db, input, self)
  if (problem) return fail(problem)
  const written = await runBatch(db, (q) => [
    self === null ? q.insert(domain).values(input).returning() : q.update(domain).set(asReplacement(domain, input)).where(eq(domain.id, self)).returning(),
  ])
  if (!written.ok) return fail('duplicate')
  const [row] = written.value[0]
  return row ? ok(row) : fail('not-found')
}

const KEY = domainKeyParam('key')
const TAG = 'domains'

export const domains = adminRouter()

declare(
  domains,
  {
    method: 'get',
    path: '/',
    operationId: 'listDomains',
    summary: 'List domains, oldest first',
    tag: TAG,
    parameters: [{ name: 'provider_id', in: 'query', required: false, description: 'only the domains of this provider', schema: { type: 'integer', minimum: 1 } }],
    answers: { 200: { description: 'the domains', json: arrayOf(DOMAIN) }, 400: problem('provider_id is not an id'), ...COMMON_ANSWERS },
  },
  async (c) => {
    const raw = c.req.query('provider_id')
    const providerId = raw === undefined ? undefined : parseId(raw)
    if (providerId === null) return notAnId(c, raw ?? '')
    const rows = await usingDatabase(() => {
      const query = c.var.db.select().from(domain).orderBy(asc(domain.id))
      return providerId === undefined ? query : query.where(eq(domain.provider_id, providerId))
    })
    return c.json(rows)
  },
)

/** 404 for the addressed domain; references in the body are the body's fault (400 naming the field). */
function refused(c: Context<AppEnv>, error: DomainWriteError, input: DomainInput, key: string) {
  switch (error) {
    case 'not-found':
      return notFound(c, `domain ${key}`)
    case 'duplicate':
      return c.json({ error: `the domain ${input.name} already exists` }, 409)
    case 'no-provider':
      return c.json({ error: 'invalid request body', problems: [{ path: 'provider_id', message: `no provider ${input.provider_id}` }] }, 400)
    case 'no-ldapserver':
      return c.json({ error: 'invalid request body', problems: [{ path: 'ldapserver_id', message: `no LDAP server ${input.ldapserver_id}` }] }, 400)
  }
}

declare(
  domains,
  {
    method: 'post',
    path: '/',
    operationId: 'createDomain',
    summary: 'Create a domain',
    tag: TAG,
    body: zodBody(DOMAIN_BODY),
    answers: { 201: { description: 'created', json: DOMAIN }, 400: problem('invalid body, or a provider_id/ldapserver_id that does not exist'), 409: problem('the name is taken'), ...COMMON_ANSWERS },
  },
  async (c, body) => {
    const created = await writeDomain(c.var.db, body, null)
    return created.ok ? c.json(created.value, 201) : refused(c, created.error, body, body.name)
  },
)

declare(
  domains,
  { method: 'get', path: '/{key}', operationId: 'getDomain', summary: 'Read a domain', tag: TAG, parameters: [KEY], answers: { 200: { description: 'the domain', json: DOMAIN }, 400: problem('neither an id nor a domain name'), 404: problem('no such domain'), ...COMMON_ANSWERS } },
  async (c) => {
    const key = KEY.read(c)
    if (!key.ok) return key.error
    const found = await findDomain(c.var.db, key.value)
    return found ? c.json(found) : notFound(c, `domain ${c.req.param('key')}`)
  },
)

declare(
  domains,
  {
    method: 'put',
    path: '/{key}',
    operationId: 'replaceDomain',
    summary: 'Replace a domain (omitted optional fields take their defaults)',
    tag: TAG,
    parameters: [KEY],
    body: zodBody(DOMAIN_BODY),
    answers: { 200: { description: 'replaced', json: DOMAIN }, 400: problem('invalid body or key'), 404: problem('no such domain'), 409: problem('the name is taken'), ...COMMON_ANSWERS },
  },
  async (c, body) => {
    const key = KEY.read(c)
    if (!key.ok) return key.error
    const existing = await findDomain(c.var.db, key.value)
    if (!existing) return notFound(c, `domain ${c.req.param('key')}`)
    const updated = await writeDomain(c.var.db, body, existing.id)
    return updated.ok ? c.json(updated.value) : refused(c, updated.error, body, c.req.param('key') ?? '')
  },
)

declare(
  domains,
  {
    method: 'delete',
    path: '/{key}',
    operationId: 'deleteDomain',
    summary: 'Delete a domain with its server links and ActiveSync URL',
    tag: TAG,
    parameters: [KEY],
    answers: { 200: { description: 'deleted', json: deletedOf(DOMAIN) }, 400: problem('neither an id nor a domain name'), 404: problem('no such domain'), ...COMMON_ANSWERS },
  },
  async (c) => {
    const key = KEY.read(c)
    if (!key.ok) return key.error
    const existing = await findDomain(c.var.db, key.value)
    if (!existing) return notFound(c, `domain ${c.req.param('key')}`)
    // The dependent rows go in the same batch, before the domain: where foreign keys cascade (D1)
    // they would go anyway, but libsql enforces them only when asked, and automx2's own link tables
    // on PostgreSQL and MySQL do not cascade.
    // The row is read in the same batch, before it goes (the answer shows what was deleted).
    const written = await runBatch(c.var.db, (db) => [
      db.select().from(domain).where(eq(domain.id, existing.id)),
      ...DOMAIN_DEPENDENTS.map(({ table, column }) => db.delete(table).where(eq(column, existing.id))),
      db.delete(domain).where(eq(domain.id, existing.id)),
    ])
    if (!written.ok) return c.json({ error: `domain ${existing.name} changed meanwhile; try again` }, 409)
    const [deleted] = written.value[0]
    return deleted ? c.json({ deleted }) : notFound(c, `domain ${c.req.param('key')}`)
  },
)
