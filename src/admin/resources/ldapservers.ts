/**
 * LDAP servers (table `ldapserver`): list, create, read, replace, delete. `bind_password` is
 * write-only: views carry `has_bind_password` instead. On PUT an absent `bind_password` keeps the
 * stored one (a client that read the view cannot send it back) and `null` removes it (anonymous
 * bind). Deleting one that domains use is refused: they would silently lose their user lookups.
 */
import { asc, eq } from 'drizzle-orm'
import { createInsertSchema, createSelectSchema } from 'drizzle-zod'
import * as z from 'zod'
import { domain, ldapserver } from '../../../schema/schema'
import { readBatch, runBatch } from '../../db/batch'
import { usingDatabase, type Db } from '../../db/client'
import { asReplacement } from '../../db/tables'
import { defaultOf, domainNames, flag, hostname, port, text } from '../fields'
import { adminRouter, declare, deletedOf, named, zodBody } from '../operation'
import { COMMON_ANSWERS, created, idParam, listed, notFound, problem } from '../request'
import { groupLinks } from './links'

/** An LDAP server's fields as the admin API and the seed format take them (before defaults). */
export const ldapServerFields = {
  name: hostname,
  port: port.default(defaultOf(ldapserver.port)),
  use_ssl: flag.optional(),
  search_base: text(1024),
  search_filter: text(1024)
    .refine((f) => f.includes('{0}'), 'must contain the placeholder {0}')
    .refine((f) => f.startsWith('(') && f.endsWith(')'), 'must be a parenthesised LDAP filter')
    .default(defaultOf(ldapserver.search_filter)),
  attr_uid: text(128).default(defaultOf(ldapserver.attr_uid)),
  attr_cn: text(128).nullable().default(defaultOf(ldapserver.attr_cn)),
  bind_user: text(1024).nullable().default(null),
  bind_password: z.string({ error: 'must be a string' }).max(1024).nullable().optional(),
}

/** LDAPS on 636 unless told otherwise. */
export const withLdapDefaults = <T extends { port: number; use_ssl?: boolean | undefined }>(l: T) => ({ ...l, use_ssl: l.use_ssl ?? l.port === 636 })

/** An LDAP server as the admin API and the seed format take it: every column of the table, with these rules. */
export const ldapServerObject = createInsertSchema(ldapserver, ldapServerFields)

const BODY = named('LdapServerBody', ldapServerObject.omit({ id: true }).strict().transform(withLdapDefaults), 'input')
const VIEW = named(
  'LdapServer',
  createSelectSchema(ldapserver)
    .omit({ bind_password: true })
    .extend({
      has_bind_password: z.boolean().meta({ description: 'bind_password itself is write-only' }),
      domains: domainNames.meta({ description: 'domains that use this directory' }),
    }),
  'output',
)
type LdapRow = typeof ldapserver.$inferSelect

/** The row as the API shows it: without its password. */
export function withoutPassword({ bind_password, ...row }: LdapRow) {
  return { row, hasPassword: bind_password !== null }
}

async function list(db: Db, id?: number) {
  const [rows, domains] = await readBatch(db, (q) => {
    const servers = q.select().from(ldapserver).orderBy(asc(ldapserver.id))
    const users = q.select({ owner: domain.ldapserver_id, name: domain.name }).from(domain).orderBy(asc(domain.id))
    return [id === undefined ? servers : servers.where(eq(ldapserver.id, id)), users]
  })
  const byServer = groupLinks(domains.flatMap((d) => (d.owner === null ? [] : [{ owner: d.owner, name: d.name }])))
  return rows.map((l) => {
    const { row, hasPassword } = withoutPassword(l)
    return { ...row, has_bind_password: hasPassword, domains: byServer.get(l.id) ?? [] }
  })
}
const find = async (db: Db, id: number) => (await list(db, id))[0] ?? null

const ID = idParam('LDAP server id')
const TAG = 'ldapservers'

export const ldapservers = adminRouter()

declare(ldapservers, { method: 'get', path: '/', operationId: 'listLdapServers', summary: 'List LDAP servers with the domains that use them', tag: TAG, answers: listed(VIEW, 'every LDAP server') }, async (c) =>
  c.json(await list(c.var.db)),
)

declare(ldapservers, { method: 'post', path: '/', operationId: 'createLdapServer', summary: 'Create an LDAP server', tag: TAG, body: zodBody(BODY), answers: created(VIEW) }, async (c, body) => {
  const [row] = await usingDatabase(() => c.var.db.insert(ldapserver).values({ ...body, bind_password: body.bind_password ?? null }).returning())
  if (!row) throw new Error('INSERT … RETURNING returned no row')
  return c.json({ ...withoutPassword(row).row, has_bind_password: row.bind_password !== null, domains: [] }, 201)
})

declare(ldapservers, { method: 'get', path: '/{id}', operationId: 'getLdapServer', summary: 'Read an LDAP server', tag: TAG, parameters: [ID], answers: { 200: { description: 'the LDAP server', json: VIEW }, 400: problem('not an id'), 404: problem('no such LDAP server'), ...COMMON_ANSWERS } }, async (c) => {
  const id = ID.read(c)
  if (!id.ok) return id.error
  const found = await find(c.var.db, id.value)
  return found ? c.json(found) : notFound(c, `LDAP server ${id.value}`)
})

declare(
  ldapservers,
  {
    method: 'put',
    path: '/{id}',
    operationId: 'replaceLdapServer',
    summary: 'Replace an LDAP server (omitted optional fields take their defaults; an absent bind_password is kept)',
    tag: TAG,
    parameters: [ID],
    body: zodBody(BODY),
    answers: { 200: { description: 'replaced', json: VIEW }, 400: problem('invalid body or id'), 404: problem('no such LDAP server'), ...COMMON_ANSWERS },
  },
  async (c, body) => {
    const id = ID.read(c)
    if (!id.ok) return id.error
    const { bind_password, ...rest } = body
    const values = bind_password === undefined ? asReplacement(ldapserver, rest, ['bind_password']) : asReplacement(ldapserver, { ...rest, bind_password })
    const [row] = await usingDatabase(() => c.var.db.update(ldapserver).set(values).where(eq(ldapserver.id, id.value)).returning({ id: ldapserver.id }))
    const found = row ? await find(c.var.db, id.value) : null
    return found ? c.json(found) : notFound(c, `LDAP server ${id.value}`)
  },
)

declare(
  ldapservers,
  { method: 'delete', path: '/{id}', operationId: 'deleteLdapServer', summary: 'Delete an LDAP server no domain uses', tag: TAG, parameters: [ID], answers: { 200: { description: 'deleted', json: deletedOf(VIEW) }, 400: problem('not an id'), 404: problem('no such LDAP server'), 409: problem('domains use it'), ...COMMON_ANSWERS } },
  async (c) => {
    const id = ID.read(c)
    if (!id.ok) return id.error
    const existing = await find(c.var.db, id.value)
    if (!existing) return notFound(c, `LDAP server ${id.value}`)
    // The foreign key of a domain added meanwhile refuses the delete too.
    const written = existing.domains.length === 0 ? await runBatch(c.var.db, (db) => [db.delete(ldapserver).where(eq(ldapserver.id, id.value))]) : null
    if (written?.ok) return c.json({ deleted: existing })
    const { domains } = existing
    return c.json({ error: `LDAP server ${id.value} is used by ${domains.join(', ')}; point those domains elsewhere first`, domains }, 409)
  },
)
