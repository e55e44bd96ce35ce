/** Admin reads and writes of LDAP servers. The bind password is written, never read back out. */
import { asc, eq } from 'drizzle-orm'
import * as t from '../../../schema/schema'
import type { LdapServerView } from '../views'
import type { LdapServerRow } from './fields'
import { fail, ok, type Result } from '../../core/result'
import { groupLinks } from './links'
import { runBatch } from '../../db/batch'
import { usingDatabase, type Db } from '../../db/client'

export type LdapServerInput = Omit<LdapServerRow, 'id' | 'bindPassword'> & {
  /** undefined = keep the stored password (a client that read the view cannot send it back). */
  readonly bindPassword: string | null | undefined
}

/** The wire fields of an LDAP server row, without its password (shared with db/export.ts). */
export const toLdapServerFields = (l: typeof t.ldapserver.$inferSelect) => ({
  id: l.id,
  name: l.name,
  port: l.port,
  use_ssl: l.useSsl,
  search_base: l.searchBase,
  search_filter: l.searchFilter,
  attr_uid: l.attrUid,
  attr_cn: l.attrCn,
  bind_user: l.bindUser,
})

const toLdapServerView = (l: typeof t.ldapserver.$inferSelect, domains: readonly string[]): LdapServerView => ({
  ...toLdapServerFields(l),
  has_bind_password: l.bindPassword !== null,
  domains: [...domains],
})

export async function listLdapServers(db: Db, id?: number): Promise<LdapServerView[]> {
  const servers = db.select().from(t.ldapserver).orderBy(asc(t.ldapserver.id))
  const users = db.select({ owner: t.domain.ldapserverId, name: t.domain.name }).from(t.domain).orderBy(asc(t.domain.id))
  const [rows, domains] = await usingDatabase(() =>
    db.batch([id === undefined ? servers : servers.where(eq(t.ldapserver.id, id)), users]),
  )
  const byServer = groupLinks(domains.flatMap((d) => (d.owner === null ? [] : [{ owner: d.owner, name: d.name }])))
  return rows.map((l) => toLdapServerView(l, byServer.get(l.id) ?? []))
}

export const findLdapServer = async (db: Db, id: number) => (await listLdapServers(db, id))[0] ?? null

export async function createLdapServer(db: Db, input: LdapServerInput): Promise<LdapServerView> {
  const [row] = await usingDatabase(() =>
    db.insert(t.ldapserver).values({ ...input, bindPassword: input.bindPassword ?? null }).returning(),
  )
  if (!row) throw new Error('INSERT … RETURNING returned no row')
  return toLdapServerView(row, [])
}

export async function updateLdapServer(db: Db, id: number, input: LdapServerInput): Promise<LdapServerView | null> {
  const { bindPassword, ...rest } = input
  const values = bindPassword === undefined ? rest : { ...rest, bindPassword }
  const [row] = await usingDatabase(() =>
    db.update(t.ldapserver).set(values).where(eq(t.ldapserver.id, id)).returning({ id: t.ldapserver.id }),
  )
  return row ? findLdapServer(db, id) : null
}

export type LdapDeleteError = { readonly kind: 'not-found' } | { readonly kind: 'in-use'; readonly domains: readonly string[] }

/** Refused while domains use the directory: they would silently lose their user lookups. */
export async function deleteLdapServer(db: Db, id: number): Promise<Result<LdapServerView, LdapDeleteError>> {
  const existing = await findLdapServer(db, id)
  if (!existing) return fail({ kind: 'not-found' })
  if (existing.domains.length > 0) return fail({ kind: 'in-use', domains: existing.domains })
  const written = await runBatch(db, [db.delete(t.ldapserver).where(eq(t.ldapserver.id, id))])
  return written.ok ? ok(existing) : fail({ kind: 'in-use', domains: existing.domains })
}
