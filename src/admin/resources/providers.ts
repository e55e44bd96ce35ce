/**
 * Providers (table `provider`): list, create, read, replace, delete; deleting one that still has
 * domains needs `?cascade=true`, which takes its domains and everything hanging off them along.
 */
import { asc, eq, inArray } from 'drizzle-orm'
import { createInsertSchema, createSelectSchema } from 'drizzle-zod'
import * as z from 'zod'
import { domain, provider } from '../../../schema/schema'
import type { Db } from '../../db/client'
import { readBatch, runStatements } from '../../db/batch'
import { usingDatabase } from '../../db/client'
import { asReplacement, DOMAIN_DEPENDENTS } from '../../db/tables'
import { flag, text } from '../fields'
import { groupLinks } from './links'
import { adminRouter, declare, deletedOf, named, zodBody } from '../operation'
import { COMMON_ANSWERS, created, flagQuery, idParam, listed, notFound, problem } from '../request'

// Spec(autoconfig draft, displayName/displayShortName): MUST ≤ 60 and ≤ 20 characters.
const MAX_PROVIDER_NAME = 60
const MAX_SHORT_NAME = 20

// Browsers and CDNs handle URLs far longer, but nothing a provider links to needs more.
const MAX_URL = 2048
// RFC 5321 §4.5.3.1.3: a path holds at most 256 octets, the address at most 254 of them.
const MAX_EMAIL = 254

/**
 * An absolute https URL on a DNS name, stored normalised (IDN as A-labels). The landing page links
 * to it or loads it, so no plain http (mixed content; the page may be served over https), no
 * credentials in it, and no address literal: the logo's origin goes into the page's CSP as an
 * `img-src` source (protocols/landing/route.ts), which a DNS name always forms cleanly.
 */
const brandUrl = (example: string) =>
  z
    .string({ error: 'must be an https URL' })
    .trim()
    .max(MAX_URL, `must be at most ${MAX_URL} characters`)
    .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: `must be an https URL on a host name, like ${example}` }))
    // Runs only once the URL has parsed (a refine would run after a failed check too).
    .transform((value, ctx) => {
      const url = new URL(value)
      if (url.username === '' && url.password === '') return url.href
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' })
      return z.NEVER
    })

/** A plain address (no display name, no `mailto:`), as the landing page's mailto link takes it. */
const supportEmail = z
  .string({ error: 'must be an email address' })
  .trim()
  .max(MAX_EMAIL, `must be at most ${MAX_EMAIL} characters`)
  .pipe(z.email({ error: 'must be a plain email address, like help@example.com' }))

/**
 * The provider's OAuth2 settings, nested as in the seed format (columns `oauth2_*` of `provider`).
 * An issuer is an identifier (RFC 8414 makes it an https URL; the autoconfig draft's example is a
 * host name), so it is only checked for being one token; the endpoints are https URLs.
 */
const oauth2Object = z
  .strictObject({
    issuer: text(255).refine((s) => !/\s/.test(s), 'must not contain spaces'),
    scope: text(1000).nullable().optional().meta({ description: 'space-separated scopes that cover every service offered' }),
    auth_url: brandUrl('https://login.example.com/authorize').nullable().optional(),
    token_url: brandUrl('https://login.example.com/token').nullable().optional(),
    client_id: text(255).nullable().optional().meta({ description: 'the public client id clients may use (no secret)' }),
    password: flag.optional().meta({ description: "false: servers marked OAuth2 take no password (OAuth2 only); default true" }),
  })
  .meta({ description: 'OAuth2 settings published in Autoconfig (<oAuth2>) and PACC (oauth-public)' })

/** automx2's default short name: the first word of the name. */
const defaultShortName = (name: string) => (name.split(/\s+/)[0] ?? name).slice(0, MAX_SHORT_NAME)

/** A provider as the admin API and the seed format take it; `short_name` defaults from `name`. */
export const providerFields = {
  name: text(MAX_PROVIDER_NAME),
  short_name: text(MAX_SHORT_NAME).optional(),
  // Shown on the landing page (null or absent = not shown); a PUT that omits one clears it.
  logo_url: brandUrl('https://example.com/logo.svg').nullable().optional().meta({ description: "https URL of the provider's logo, shown on the landing page" }),
  support_url: brandUrl('https://example.com/help').nullable().optional().meta({ description: "https URL of the provider's help pages, linked from the landing page" }),
  support_email: supportEmail.nullable().optional().meta({ description: 'address people can write to for help, linked from the landing page' }),
  documentation_url: brandUrl('https://example.com/help/mail-setup').nullable().optional().meta({ description: 'https URL of the page explaining how to set up a mail program (Autoconfig <documentation>, PACC help)' }),
  documentation_descr: text(200).nullable().optional().meta({ description: 'the link text for documentation_url' }),
}

const OAUTH2_COLUMNS = { oauth2_issuer: true, oauth2_scope: true, oauth2_auth_url: true, oauth2_token_url: true, oauth2_client_id: true, oauth2_password: true } as const
type ProviderRow = typeof provider.$inferSelect
type OAuth2Input = z.output<typeof oauth2Object>

/**
 * A provider's input as columns: the nested `oauth2` spread over the `oauth2_*` columns (left out
 * when absent, so the columns take their defaults like any omitted field).
 */
export function toProviderColumns<T extends { oauth2?: OAuth2Input | null | undefined }>(input: T) {
  const { oauth2, ...rest } = input
  if (oauth2 === undefined) return rest
  return {
    ...rest,
    oauth2_issuer: oauth2?.issuer ?? null,
    oauth2_scope: oauth2?.scope ?? null,
    oauth2_auth_url: oauth2?.auth_url ?? null,
    oauth2_token_url: oauth2?.token_url ?? null,
    oauth2_client_id: oauth2?.client_id ?? null,
    oauth2_password: oauth2 ? (oauth2.password ?? true) : null,
  }
}

/** A provider row as the API and the seed format show it: the `oauth2_*` columns nested as `oauth2` (null when unset). */
export function toProviderView<R extends ProviderRow>(row: R) {
  const { oauth2_issuer, oauth2_scope, oauth2_auth_url, oauth2_token_url, oauth2_client_id, oauth2_password, ...rest } = row
  return {
    ...rest,
    oauth2:
      oauth2_issuer === null
        ? null
        : { issuer: oauth2_issuer, scope: oauth2_scope, auth_url: oauth2_auth_url, token_url: oauth2_token_url, client_id: oauth2_client_id, password: oauth2_password ?? true },
  }
}
export const withShortName = <T extends { name: string; short_name?: string | undefined }>(p: T) => ({ ...p, short_name: p.short_name ?? defaultShortName(p.name) })

/** A provider as the admin API and the seed format take it: every column of the table, with these rules. */
export const providerObject = createInsertSchema(provider, providerFields).omit(OAUTH2_COLUMNS).extend({ oauth2: oauth2Object.nullable().optional() })

/** Defaults and columns: what a validated provider body becomes before it is written. */
export const toProviderInsert = <T extends { name: string; short_name?: string | undefined; oauth2?: OAuth2Input | null | undefined }>(p: T) =>
  toProviderColumns(withShortName(p))

const PROVIDER_BODY = named('ProviderBody', providerObject.omit({ id: true }).strict().transform(toProviderInsert), 'input')
const PROVIDER = named(
  'Provider',
  createSelectSchema(provider)
    .omit(OAUTH2_COLUMNS)
    .extend({
      oauth2: z
        .object({
          issuer: z.string(),
          scope: z.string().nullable(),
          auth_url: z.string().nullable(),
          token_url: z.string().nullable(),
          client_id: z.string().nullable(),
          password: z.boolean(),
        })
        .nullable()
        .meta({ description: 'the OAuth2 settings, null when none are published' }),
      domains: z.array(z.string()).meta({ description: 'names of the domains of this provider, oldest first' }),
    }),
  'output',
)
type ProviderView = z.output<typeof PROVIDER.schema>

/**
 * Providers and their domains as two reads of one snapshot, grouped here: a relational query with
 * ordered nested rows needs outer references inside derived tables, which MariaDB lacks.
 */
async function listProviders(db: Db, id?: number): Promise<ProviderView[]> {
  const [rows, domains] = await readBatch(db, (q) => {
    const providers = q.select().from(provider).orderBy(asc(provider.id))
    const owned = q.select({ owner: domain.provider_id, name: domain.name }).from(domain).orderBy(asc(domain.id))
    return id === undefined ? [providers, owned] : [providers.where(eq(provider.id, id)), owned.where(eq(domain.provider_id, id))]
  })
  const byProvider = groupLinks(domains)
  return rows.map((row) => ({ ...toProviderView(row), domains: byProvider.get(row.id) ?? [] }))
}

const findProvider = async (db: Db, id: number) => (await listProviders(db, id))[0] ?? null

/**
 * Without `cascade`, a provider that still has domains is refused (its domains would lose their
 * configuration). With it, its domains and their dependent rows go too, in the same batch; servers
 * stay, as they are shared between domains and may serve other providers.
 */
async function deleteProvider(db: Db, existing: ProviderView, cascade: boolean): Promise<boolean> {
  const written = await runStatements(db, (q) => {
    const ownDomains = q.select({ id: domain.id }).from(domain).where(eq(domain.provider_id, existing.id))
    const cascading = cascade
      ? [...DOMAIN_DEPENDENTS.map(({ table, column }) => q.delete(table).where(inArray(column, ownDomains))), q.delete(domain).where(eq(domain.provider_id, existing.id))]
      : []
    return [...cascading, q.delete(provider).where(eq(provider.id, existing.id))]
  })
  // Refused only when a domain was added meanwhile (its foreign key holds the provider).
  return written.ok
}

const ID = idParam('provider id')
const CASCADE = flagQuery('cascade', 'also delete its domains (otherwise 409 while it has any)')
const TAG = 'providers'

export const providers = adminRouter()

declare(providers, { method: 'get', path: '/', operationId: 'listProviders', summary: 'List providers, oldest first', tag: TAG, answers: listed(PROVIDER, 'every provider') }, async (c) =>
  c.json(await listProviders(c.var.db)),
)

declare(providers, { method: 'post', path: '/', operationId: 'createProvider', summary: 'Create a provider', tag: TAG, body: zodBody(PROVIDER_BODY), answers: created(PROVIDER) }, async (c, body) => {
  const [row] = await usingDatabase(() => c.var.db.insert(provider).values(body).returning())
  if (!row) throw new Error('INSERT … RETURNING returned no row')
  return c.json({ ...toProviderView(row), domains: [] }, 201)
})

declare(providers, { method: 'get', path: '/{id}', operationId: 'getProvider', summary: 'Read a provider', tag: TAG, parameters: [ID], answers: { 200: { description: 'the provider', json: PROVIDER }, 400: problem('not an id'), 404: problem('no such provider'), ...COMMON_ANSWERS } }, async (c) => {
  const id = ID.read(c)
  if (!id.ok) return id.error
  const found = await findProvider(c.var.db, id.value)
  return found ? c.json(found) : notFound(c, `provider ${id.value}`)
})

declare(
  providers,
  { method: 'put', path: '/{id}', operationId: 'replaceProvider', summary: 'Replace a provider (omitted optional fields take their defaults)', tag: TAG, parameters: [ID], body: zodBody(PROVIDER_BODY), answers: { 200: { description: 'replaced', json: PROVIDER }, 400: problem('invalid body or id'), 404: problem('no such provider'), ...COMMON_ANSWERS } },
  async (c, body) => {
    const id = ID.read(c)
    if (!id.ok) return id.error
    const [row] = await usingDatabase(() => c.var.db.update(provider).set(asReplacement(provider, body)).where(eq(provider.id, id.value)).returning({ id: provider.id }))
    const found = row ? await findProvider(c.var.db, id.value) : null
    return found ? c.json(found) : notFound(c, `provider ${id.value}`)
  },
)

declare(
  providers,
  { method: 'delete', path: '/{id}', operationId: 'deleteProvider', summary: 'Delete a provider', tag: TAG, parameters: [ID, CASCADE], answers: { 200: { description: 'deleted', json: deletedOf(PROVIDER) }, 400: problem('not an id, or a bad cascade value'), 404: problem('no such provider'), 409: problem('the provider still has domains'), ...COMMON_ANSWERS } },
  async (c) => {
    const id = ID.read(c)
    if (!id.ok) return id.error
    const cascade = CASCADE.read(c)
    if (!cascade.ok) return cascade.error
    const existing = await findProvider(c.var.db, id.value)
    if (!existing) return notFound(c, `provider ${id.value}`)
    const { domains } = existing
    if ((domains.length === 0 || cascade.value) && (await deleteProvider(c.var.db, existing, cascade.value))) return c.json({ deleted: existing })
    return c.json({ error: `provider ${id.value} still has ${domains.length} domain(s): ${domains.join(', ')}; delete them first or add ?cascade=true`, domains }, 409)
  },
)
