/**
 * automx2's JSON seed format, validated and normalised into rows (field schemas and defaults:
 * admin/resources/). Three forms are read:
 * - version 1: one provider, `domains` as plain strings (no `version` key);
 * - version 2: one provider, `domains` as `{name, ldapserver_id?}` (either domain form is accepted);
 * - the multi-provider extension (still `"version": 2`, told apart by a `providers` key): a list of
 *   providers, each with its domains, and the servers and LDAP servers at the top level.
 * Beyond automx2, a `{"type": "activesync", "url": "https://…"}` entry gives domains an Exchange
 * ActiveSync endpoint (answered by mobilesync Autodiscover and v2 JSON); a domain has at most one.
 * Also beyond automx2, a provider (top level of the single-provider forms, an entry of
 * `providers`) may carry `logo_url`, `support_url` and `support_email` for the landing page. They
 * are optional, so every older document stays valid and the version stays 2.
 * Beyond automx2 too (the autoconfig draft 1.2 and PACC): a provider may carry `oauth2` (`issuer`,
 * `scope`, `auth_url`, `token_url`, `client_id`, `password`) and `documentation_url` /
 * `documentation_descr`; `servers` may hold `{"type": "jmap"|"webdav", "url"}` and
 * `{"type": "managesieve", "name", "port", "socket_type"}` entries.
 * In every form a server serves every domain of the document unless it lists its own `domains`
 * (an extension: automx2 can only say "all"), and rows may carry explicit `id`s, so that
 * `GET /admin/export` can write a database out and read it back identically.
 */
import * as z from 'zod'
import type { davserver, ldapserver, provider as providerTable, server as serverTable, sieveserver, urlserver } from '../../schema/schema'
import { domainName, httpsUrl, id } from '../admin/fields'
import { davServerObject, withDavDefaults } from '../admin/resources/davservers'
import { domainObject } from '../admin/resources/domains'
import { ldapServerObject, withLdapDefaults } from '../admin/resources/ldapservers'
import { providerFields, providerObject, toProviderInsert } from '../admin/resources/providers'
import { mailServerObject, noAnonymousIncoming, withServerDefaults } from '../admin/resources/servers'
import { sieveServerObject } from '../admin/resources/sieveservers'
import { urlServerObject } from '../admin/resources/urlservers'
import { named, type Body } from '../admin/operation'
import { describeIssue, toProblems, type Problem } from '../admin/problems'
import { fail, ok, type Result } from '../core/result'

export type SeedProblem = Problem

/** Rows plus the names of the domains they serve. */
export type Linked<T> = T & { readonly domains: readonly string[] }

type ServerRow = Omit<typeof serverTable.$inferInsert, 'id'> & { readonly id?: number }
type DavServerRow = Omit<typeof davserver.$inferInsert, 'id'> & { readonly id?: number }
type UrlServerRow = Omit<typeof urlserver.$inferInsert, 'id'> & { readonly id?: number }
type SieveServerRow = Omit<typeof sieveserver.$inferInsert, 'id'> & { readonly id?: number }
type LdapServerRow = typeof ldapserver.$inferInsert & { readonly id: number }
// Every column (the landing page's logo and support fields too); `short_name` defaulted already.
type ProviderRow = Omit<typeof providerTable.$inferInsert, 'id' | 'short_name'> & { readonly id?: number; readonly short_name: string }

export interface ProviderPlan {
  readonly provider: ProviderRow
  readonly domains: readonly { readonly id?: number; readonly name: string; readonly ldapserver_id: number | null }[]
}

export interface ActiveSyncRow {
  readonly id?: number
  readonly url: string
}

/** Everything a seed document holds, validated and ready to be written in one batch. */
export interface SeedPlan {
  readonly providers: readonly ProviderPlan[]
  readonly servers: readonly Linked<ServerRow>[]
  readonly davServers: readonly Linked<DavServerRow>[]
  readonly urlServers: readonly Linked<UrlServerRow>[]
  readonly sieveServers: readonly Linked<SieveServerRow>[]
  readonly ldapServers: readonly LdapServerRow[]
  /** Exchange ActiveSync URLs and the domains each one serves. */
  readonly activeSync: readonly Linked<ActiveSyncRow>[]
}

const servedDomains = z.array(domainName, { error: 'must be a list of domain names' }).optional()
// Entries are the resources of the admin API (admin/resources/: every column of their table), plus
// an id where automx2 has none, and the domains a server serves.
const seedMailServer = mailServerObject
  .extend({ id: id.optional(), domains: servedDomains })
  .strict()
  .superRefine(noAnonymousIncoming)
  .transform(withServerDefaults)
const seedDavServer = davServerObject.extend({ id: id.optional(), domains: servedDomains }).strict().transform(withDavDefaults)
const seedUrlServer = urlServerObject.extend({ id: id.optional(), domains: servedDomains }).strict()
// ManageSieve has a table of its own, so its entry names its type where the table has no column for it.
const seedSieveServer = sieveServerObject.extend({ id: id.optional(), type: z.literal('managesieve'), domains: servedDomains }).strict()
const seedActiveSync = z.strictObject({
  id: id.optional(),
  type: z.literal('activesync'),
  url: httpsUrl,
  domains: servedDomains,
})

const SERVER_TYPES_TEXT = 'imap, pop, smtp, caldav, carddav, jmap, webdav, managesieve, activesync'
const server = z.unknown().transform((value, ctx) => {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined
  const schema =
    type === 'caldav' || type === 'carddav'
      ? seedDavServer
      : type === 'activesync'
        ? seedActiveSync
        : type === 'jmap' || type === 'webdav'
          ? seedUrlServer
          : type === 'managesieve'
            ? seedSieveServer
            : type === 'imap' || type === 'pop' || type === 'pop3' || type === 'smtp'
          ? seedMailServer
          : null
  if (schema === null) {
    ctx.addIssue({
      code: 'custom',
      path: typeof value === 'object' && value !== null ? ['type'] : [],
      message:
        type === undefined
          ? `missing server type (expected one of ${SERVER_TYPES_TEXT})`
          : `unknown server type ${JSON.stringify(type)} (expected one of ${SERVER_TYPES_TEXT})`,
    })
    return z.NEVER
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: describeIssue(issue) })
    return z.NEVER
  }
  return parsed.data
})

const ldapServer = ldapServerObject.extend({ id }).strict().transform(withLdapDefaults)

const domain = z.union(
  [
    domainName.transform((name) => ({ name, ldapserver_id: null, id: undefined })),
    domainObject.omit({ provider_id: true }).extend({ id: id.optional() }).strict(),
  ],
  { error: 'must be a domain name or an object {"name": …, "ldapserver_id"?: …}' },
)
const domains = z.array(domain, { error: 'must be a list of domains' }).min(1, 'must name at least one domain')

const version = z
  .unknown()
  .optional()
  .refine((v) => v === undefined || v === 1 || v === 2, 'unsupported version: expected 2 (or 1)')
const shared = {
  servers: z.array(server, { error: 'must be a list of servers' }).default([]),
  ldapservers: z.array(ldapServer, { error: 'must be a list of LDAP servers' }).default([]),
}

// automx2 calls the provider's name `provider` in a seed.
const providerEntry = providerObject.omit({ name: true }).extend({ id: id.optional(), provider: providerFields.name, domains }).strict()

const singleProviderDocument = providerObject
  .omit({ id: true, name: true })
  .extend({ version, provider: providerFields.name, domains, ...shared })
  .strict()
const multiProviderDocument = z.strictObject({
  version: z.literal(2, { error: 'the multi-provider form needs "version": 2' }),
  // May be empty: an export of a database holding only servers must load back too.
  providers: z.array(providerEntry, { error: 'must be a list of providers' }),
  ...shared,
})

type ProviderEntry = z.output<typeof providerEntry>
type Document = { providers: ProviderEntry[]; servers: z.output<typeof server>[]; ldapservers: z.output<typeof ldapServer>[] }

function readDocument(input: object): Result<{ doc: Document; domainPath: (p: number, d: number) => string }, Problem[]> {
  if ('providers' in input) {
    const parsed = multiProviderDocument.safeParse(input)
    if (!parsed.success) return fail(toProblems(parsed.error))
    return ok({ doc: parsed.data, domainPath: (p, d) => `providers[${p}].domains[${d}]` })
  }
  const parsed = singleProviderDocument.safeParse(input)
  if (!parsed.success) return fail(toProblems(parsed.error))
  const { version: _version, servers, ldapservers, ...entry } = parsed.data
  return ok({
    doc: { providers: [entry], servers, ldapservers },
    domainPath: (_p, d) => `domains[${d}]`,
  })
}

/**
 * What one document may hold: every row is written in one batch (one transaction), which has to
 * finish within a request's limits on both D1 and libsql. Checked on the raw document, before any
 * other work, so an oversized one costs nothing and is told which limit it passed.
 */
export const SEED_LIMITS = { domains: 20_000, servers: 2_000, links: 100_000, ldapservers: 1_000 } as const

const fieldOf = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined)
const listOf = (value: unknown): readonly unknown[] | null => (Array.isArray(value) ? value : null)

function sizeProblems(input: object): Problem[] {
  const providers = listOf(fieldOf(input, 'providers')) ?? [input]
  const domains = providers.reduce<number>((n, p) => n + (listOf(fieldOf(p, 'domains'))?.length ?? 0), 0)
  const servers = listOf(fieldOf(input, 'servers')) ?? []
  // A server without its own list serves every domain of the document.
  const links = servers.reduce<number>((n, s) => n + (listOf(fieldOf(s, 'domains'))?.length ?? domains), 0)
  const counted = { domains, servers: servers.length, links, ldapservers: listOf(fieldOf(input, 'ldapservers'))?.length ?? 0 }
  const what = { domains: 'domains', servers: 'servers', links: 'server-to-domain links', ldapservers: 'LDAP servers' } as const
  return (Object.keys(SEED_LIMITS) as (keyof typeof SEED_LIMITS)[]).flatMap((key) =>
    counted[key] > SEED_LIMITS[key]
      ? [{ path: key === 'links' ? 'servers' : key === 'domains' && 'providers' in input ? 'providers' : key, message: `a seed document may hold at most ${SEED_LIMITS[key]} ${what[key]}; this one has ${counted[key]}` }]
      : [],
  )
}

/** Cross-references zod cannot see: unique names and ids, and references that resolve. */
function crossCheck(doc: Document, domainPath: (p: number, d: number) => string): Problem[] {
  const problems: Problem[] = []
  const unique = (seen: Set<unknown>, value: unknown, path: string, what: string) => {
    if (value === undefined) return
    if (seen.has(value)) problems.push({ path, message: `duplicate ${what} ${JSON.stringify(value)}` })
    seen.add(value)
  }
  const ldapIds = new Set<unknown>()
  doc.ldapservers.forEach((l, i) => unique(ldapIds, l.id, `ldapservers[${i}].id`, 'LDAP server id'))
  const providerIds = new Set<unknown>()
  const domainIds = new Set<unknown>()
  const domainNames = new Set<unknown>()
  doc.providers.forEach((p, pi) => {
    unique(providerIds, p.id, `providers[${pi}].id`, 'provider id')
    p.domains.forEach((d, di) => {
      const path = domainPath(pi, di)
      if (domainNames.has(d.name)) problems.push({ path, message: `duplicate domain '${d.name}'` })
      domainNames.add(d.name)
      unique(domainIds, d.id, `${path}.id`, 'domain id')
      if (d.ldapserver_id !== null && !ldapIds.has(d.ldapserver_id)) {
        problems.push({ path: `${path}.ldapserver_id`, message: `unknown ldapserver_id ${d.ldapserver_id}` })
      }
    })
  })
  const serverIds = new Set<unknown>()
  const davIds = new Set<unknown>()
  const urlIds = new Set<unknown>()
  const sieveIds = new Set<unknown>()
  const activeSyncIds = new Set<unknown>()
  const withActiveSync = new Set<string>()
  doc.servers.forEach((s, i) => {
    if (s.type === 'activesync') {
      unique(activeSyncIds, s.id, `servers[${i}].id`, 'activesync id')
      const served = s.domains ?? [...domainNames].map(String)
      // An activesync row belongs to one domain, so an explicit id names exactly one.
      if (s.id !== undefined && served.length !== 1) {
        problems.push({ path: `servers[${i}].id`, message: 'an activesync entry with an id must serve exactly one domain' })
      }
      if (served.some((name) => withActiveSync.has(name))) {
        problems.push({ path: `servers[${i}]`, message: 'only one activesync server per domain (each domain has one ActiveSync URL)' })
      }
      served.forEach((name) => withActiveSync.add(name))
    } else if (s.type === 'jmap' || s.type === 'webdav') {
      unique(urlIds, s.id, `servers[${i}].id`, 'URL server id')
    } else if (s.type === 'managesieve') {
      unique(sieveIds, s.id, `servers[${i}].id`, 'ManageSieve server id')
    } else {
      unique('url' in s ? davIds : serverIds, s.id, `servers[${i}].id`, `${'url' in s ? 'DAV ' : ''}server id`)
    }
    s.domains?.forEach((name, j) => {
      if (!domainNames.has(name)) problems.push({ path: `servers[${i}].domains[${j}]`, message: `'${name}' is not a domain of this document` })
    })
  })
  return problems
}

const withoutLinks = <T extends { id?: number | undefined; domains?: readonly string[] | undefined }>({ id: _id, domains: _domains, ...row }: T) => row

/** Validates a parsed JSON value as a seed document; every problem found is reported. */
export function parseSeed(input: unknown): Result<SeedPlan, readonly SeedProblem[]> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail([{ path: '', message: 'the seed must be a JSON object' }])
  }
  const tooLarge = sizeProblems(input)
  if (tooLarge.length > 0) return fail(tooLarge)
  const read = readDocument(input)
  if (!read.ok) return read
  const { doc, domainPath } = read.value
  const problems = crossCheck(doc, domainPath)
  if (problems.length > 0) return fail(problems)

  const everyDomain = doc.providers.flatMap((p) => p.domains.map((d) => d.name))
  const servers: Linked<ServerRow>[] = []
  const davServers: Linked<DavServerRow>[] = []
  const urlServers: Linked<UrlServerRow>[] = []
  const sieveServers: Linked<SieveServerRow>[] = []
  const activeSync: Linked<ActiveSyncRow>[] = []
  for (const entry of doc.servers) {
    const links = { domains: entry.domains ?? everyDomain, ...(entry.id === undefined ? {} : { id: entry.id }) }
    switch (entry.type) {
      case 'activesync':
        activeSync.push({ url: entry.url, ...links })
        break
      case 'jmap':
      case 'webdav':
        urlServers.push({ ...withoutLinks(entry), ...links })
        break
      case 'managesieve': {
        const { type: _type, ...sieve } = withoutLinks(entry)
        sieveServers.push({ ...sieve, ...links })
        break
      }
      case 'caldav':
      case 'carddav':
        davServers.push({ ...withoutLinks(entry), ...links })
        break
      default:
        servers.push({ ...withoutLinks(entry), ...links })
    }
  }
  return ok({
    providers: doc.providers.map(({ provider: name, domains: own, id: providerId, ...rest }) => ({
      provider: { ...toProviderInsert({ ...rest, name }), ...(providerId === undefined ? {} : { id: providerId }) },
      domains: own.map(({ id: domainId, ...d }) => ({ ...d, ...(domainId === undefined ? {} : { id: domainId }) })),
    })),
    servers,
    davServers,
    urlServers,
    sieveServers,
    ldapServers: doc.ldapservers.map(({ bind_password, ...l }) => ({ ...l, bind_password: bind_password ?? null })),
    activeSync,
  })
}

/**
 * The body of POST /initdb/ and /admin/import. `servers` items are dispatched on `type` by hand
 * (for messages naming the type), which JSON Schema cannot see, so the document describes them as
 * any of the item schemas.
 */
export const SEED_BODY: Body<SeedPlan> = {
  described: named('SeedDocument', z.union([singleProviderDocument, multiProviderDocument]), 'input', (context) => {
    if (context.zodSchema === server) {
      context.jsonSchema.anyOf = [seedMailServer, seedDavServer, seedUrlServer, seedSieveServer, seedActiveSync].map((variant) => {
        const { $schema: _drop, ...schema } = z.toJSONSchema(variant, { io: 'input' })
        return schema
      })
    }
  }),
  parse: parseSeed,
  invalid: 'invalid seed document',
}
