/** Admin reads and writes of providers; deleting one with domains needs `cascade`. */
import { asc, eq, inArray } from 'drizzle-orm'
import * as t from '../../../schema/schema'
import type { ProviderView } from '../views'
import type { ProviderRow } from './fields'
import { fail, ok, type Result } from '../../core/result'
import { runStatements } from '../../db/batch'
import { usingDatabase, type Db } from '../../db/client'

type ProviderInput = Omit<ProviderRow, 'id'>

function selectProviders(db: Db, id?: number) {
  return db.query.provider.findMany({
    ...(id === undefined ? {} : { where: eq(t.provider.id, id) }),
    orderBy: (p) => [asc(p.id)],
    with: { domains: { columns: { name: true }, orderBy: (d) => [asc(d.id)] } },
  })
}

const toProviderView = (row: Awaited<ReturnType<typeof selectProviders>>[number]): ProviderView => ({
  id: row.id,
  name: row.name,
  short_name: row.shortName,
  domains: row.domains.map((d) => d.name),
})

export async function listProviders(db: Db): Promise<ProviderView[]> {
  return (await usingDatabase(() => selectProviders(db))).map(toProviderView)
}

export async function findProvider(db: Db, id: number): Promise<ProviderView | null> {
  const [row] = await usingDatabase(() => selectProviders(db, id))
  return row ? toProviderView(row) : null
}

export async function createProvider(db: Db, input: ProviderInput): Promise<ProviderView> {
  const [row] = await usingDatabase(() => db.insert(t.provider).values(input).returning())
  if (!row) throw new Error('INSERT … RETURNING returned no row')
  return { id: row.id, name: row.name, short_name: row.shortName, domains: [] }
}

export async function updateProvider(db: Db, id: number, input: ProviderInput): Promise<ProviderView | null> {
  const [row] = await usingDatabase(() => db.update(t.provider).set(input).where(eq(t.provider.id, id)).returning())
  return row ? findProvider(db, id) : null
}

export type ProviderDeleteError = { readonly kind: 'not-found' } | { readonly kind: 'has-domains'; readonly domains: readonly string[] }

/**
 * Without `cascade`, a provider that still has domains is refused (its domains would lose their
 * configuration). With it, its domains and their server links go too, in the same batch; servers
 * stay, as they are shared between domains and may serve other providers.
 */
export async function deleteProvider(db: Db, id: number, cascade: boolean): Promise<Result<ProviderView, ProviderDeleteError>> {
  const existing = await findProvider(db, id)
  if (!existing) return fail({ kind: 'not-found' })
  if (existing.domains.length > 0 && !cascade) return fail({ kind: 'has-domains', domains: existing.domains })
  const ownDomains = db.select({ id: t.domain.id }).from(t.domain).where(eq(t.domain.providerId, id))
  const cascading = cascade
    ? [
        db.delete(t.serverDomain).where(inArray(t.serverDomain.domainId, ownDomains)),
        db.delete(t.davserverDomain).where(inArray(t.davserverDomain.domainId, ownDomains)),
        db.delete(t.activesync).where(inArray(t.activesync.domainId, ownDomains)),
        db.delete(t.domain).where(eq(t.domain.providerId, id)),
      ]
    : []
  const written = await runStatements(db, [...cascading, db.delete(t.provider).where(eq(t.provider.id, id))])
  // Refused only when a domain was added meanwhile (its foreign key holds the provider).
  if (!written.ok) return fail({ kind: 'has-domains', domains: existing.domains })
  return ok(existing)
}
