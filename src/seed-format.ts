/**
 * automx2's JSON seed format (version 2, and the older version 1 with plain-string domains),
 * validated and normalised into rows. automx2's defaults apply: ports imap 993, pop 995, smtp 465;
 * SSL on 465/993/995, else STARTTLS; LDAP on 636 (LDAPS), filter (mail={0}), attributes uid/cn;
 * short name = first word of the provider name; every server serves every domain of the file.
 * Beyond automx2: one `{"type": "activesync", "url": "https://…"}` entry gives every domain of the
 * file an Exchange ActiveSync endpoint (answered by mobilesync Autodiscover and v2 JSON).
 */
import { z } from 'zod'
import { normaliseDomain } from './address'
import type { Authentication, DavType, ServerType, SocketType } from './model'
import { fail, ok, type Result } from './result'
import { AUTHENTICATIONS, SOCKET_TYPES } from '../schema/schema'

export interface ProviderRow {
  readonly name: string
  readonly shortName: string
}
export interface DomainRow {
  readonly name: string
  readonly ldapserverId: number | null
}
export interface ServerRow {
  readonly type: ServerType
  readonly name: string
  readonly port: number
  readonly prio: number
  readonly socketType: SocketType
  readonly userName: string
  readonly authentication: Authentication
}
export interface DavServerRow {
  readonly type: DavType
  readonly url: string
  readonly port: number
  readonly useSsl: boolean
  readonly domainRequired: boolean
  readonly userName: string
}
export interface LdapServerRow {
  readonly id: number
  readonly name: string
  readonly port: number
  readonly useSsl: boolean
  readonly searchBase: string
  readonly searchFilter: string
  readonly attrUid: string
  readonly attrCn: string | null
  readonly bindUser: string | null
  readonly bindPassword: string | null
}

/** One provider with everything it serves, ready to be written. */
export interface SeedPlan {
  readonly provider: ProviderRow
  readonly domains: readonly DomainRow[]
  readonly servers: readonly ServerRow[]
  readonly davServers: readonly DavServerRow[]
  readonly ldapServers: readonly LdapServerRow[]
  /** The Exchange ActiveSync URL for every domain of the file, or null. */
  readonly activeSyncUrl: string | null
}

export interface SeedProblem {
  /** JSON path of the offending value, e.g. `servers[2].port`; empty for the document itself. */
  readonly path: string
  readonly message: string
}

// Spec(autoconfig draft, displayName/displayShortName): MUST ≤ 60 and ≤ 20 characters.
const MAX_PROVIDER_NAME = 60
const MAX_SHORT_NAME = 20
const IMPLICIT_TLS_PORTS = new Set([465, 993, 995])
const DEFAULT_PORT: Record<ServerType, number> = { imap: 993, pop: 995, smtp: 465 }
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

/** Alternative spellings accepted on input, stored in automx2's spelling. */
const AUTHENTICATION_ALIASES: Record<string, Authentication> = {
  'password-cleartext': 'plain',
  'password-encrypted': 'secure',
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')

const port = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535')

const hostname = z.string({ error: 'must be a host name' }).transform((value, ctx) => {
  const host = IPV4.test(value.trim()) ? value.trim() : normaliseDomain(value)
  if (host === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid host name` })
    return z.NEVER
  }
  return host
})

const username = text(255).default('%EMAILADDRESS%')

const mailServer = z.strictObject({
  type: z.enum(['imap', 'pop', 'pop3', 'smtp']).transform((t): ServerType => (t === 'pop3' ? 'pop' : t)),
  name: hostname,
  port: port.optional(),
  prio: z.number().int('must be a whole number').min(0, 'must not be negative').max(1_000_000).default(10),
  socket_type: z.enum(SOCKET_TYPES, { error: `must be one of ${SOCKET_TYPES.join(', ')}` }).optional(),
  user_name: username,
  authentication: z
    .string()
    .transform((value, ctx) => {
      const known = AUTHENTICATION_ALIASES[value] ?? AUTHENTICATIONS.find((a) => a === value)
      if (!known) {
        ctx.addIssue({
          code: 'custom',
          message: `unsupported authentication '${value}': expected one of ${AUTHENTICATIONS.join(', ')} (each has an Autoconfig, Autodiscover and Apple equivalent)`,
        })
        return z.NEVER
      }
      return known
    })
    .default('plain'),
})

const davServer = z.strictObject({
  type: z.enum(['caldav', 'carddav']),
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  port: port.optional(),
  use_ssl: z.boolean().optional(),
  domain_required: z.boolean().default(false),
  user_name: username,
})

// Quirk(EAS clients): they send the user's password with every ActiveSync request, and iOS and
// Autodiscover v2 clients expect an https endpoint; a plain-http URL is refused here.
const activeSyncServer = z.strictObject({
  type: z.literal('activesync'),
  url: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
})

const SERVER_TYPES_TEXT = 'imap, pop, smtp, caldav, carddav, activesync'
const server = z.unknown().transform((value, ctx) => {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined
  const schema =
    type === 'caldav' || type === 'carddav'
      ? davServer
      : type === 'activesync'
        ? activeSyncServer
        : type === 'imap' || type === 'pop' || type === 'pop3' || type === 'smtp'
          ? mailServer
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

const ldapServer = z.strictObject({
  id: z.number().int('must be a whole number').positive('must be positive'),
  name: hostname,
  port: port.default(636),
  use_ssl: z.boolean().optional(),
  search_base: text(1024),
  search_filter: text(1024)
    .refine((f) => f.includes('{0}'), 'must contain the placeholder {0}')
    .refine((f) => f.startsWith('(') && f.endsWith(')'), 'must be a parenthesised LDAP filter')
    .default('(mail={0})'),
  attr_uid: text(128).default('uid'),
  attr_cn: text(128).nullable().default('cn'),
  bind_user: text(1024).nullable().optional(),
  bind_password: z.string().max(1024).nullable().optional(),
})

const domainName = z.string({ error: 'must be a domain name' }).transform((value, ctx) => {
  const name = normaliseDomain(value)
  if (name === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid domain name` })
    return z.NEVER
  }
  return name
})

const domain = z.union(
  [
    domainName.transform((name) => ({ name, ldapserver_id: null })),
    z.strictObject({
      name: domainName,
      ldapserver_id: z.number().int('must be a whole number').positive().nullable().default(null),
    }),
  ],
  { error: 'must be a domain name or an object {"name": …, "ldapserver_id"?: …}' },
)

const seedDocument = z.strictObject({
  version: z
    .unknown()
    .optional()
    .refine((v) => v === undefined || v === 1 || v === 2, 'unsupported version: expected 2 (or 1)'),
  provider: text(MAX_PROVIDER_NAME),
  short_name: text(MAX_SHORT_NAME).optional(),
  domains: z.array(domain, { error: 'must be a list of domains' }).min(1, 'must name at least one domain'),
  servers: z.array(server, { error: 'must be a list of servers' }).default([]),
  ldapservers: z.array(ldapServer, { error: 'must be a list of LDAP servers' }).default([]),
})

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('')
}

function portFromUrl(url: URL): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

/** Validates a parsed JSON value as a seed document; every problem found is reported. */
export function parseSeed(input: unknown): Result<SeedPlan, readonly SeedProblem[]> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail([{ path: '', message: 'the seed must be a JSON object' }])
  }
  const parsed = seedDocument.safeParse(input)
  if (!parsed.success) {
    return fail(
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: describeIssue(issue),
      })),
    )
  }
  const doc = parsed.data
  const problems: SeedProblem[] = []

  const ldapIds = new Set<number>()
  doc.ldapservers.forEach((l, i) => {
    if (ldapIds.has(l.id)) problems.push({ path: `ldapservers[${i}].id`, message: `duplicate LDAP server id ${l.id}` })
    ldapIds.add(l.id)
  })
  const seenDomains = new Set<string>()
  doc.domains.forEach((d, i) => {
    const path = `domains[${i}]`
    if (seenDomains.has(d.name)) problems.push({ path, message: `duplicate domain '${d.name}'` })
    seenDomains.add(d.name)
    if (d.ldapserver_id !== null && !ldapIds.has(d.ldapserver_id)) {
      problems.push({ path: `${path}.ldapserver_id`, message: `unknown ldapserver_id ${d.ldapserver_id}` })
    }
  })
  let activeSyncCount = 0
  doc.servers.forEach((s, i) => {
    if (s.type === 'activesync' && ++activeSyncCount > 1) {
      problems.push({ path: `servers[${i}]`, message: 'only one activesync server per file (each domain has one ActiveSync URL)' })
    }
    if (s.type === 'pop' || s.type === 'imap') {
      // Incoming servers always need credentials; Thunderbird drops an incoming entry with `none`.
      if (s.authentication === 'none') {
        problems.push({ path: `servers[${i}].authentication`, message: `'none' is only allowed for smtp servers` })
      }
    }
  })
  if (problems.length > 0) return fail(problems)

  const servers: ServerRow[] = []
  const davServers: DavServerRow[] = []
  let activeSyncUrl: string | null = null
  for (const s of doc.servers) {
    if (s.type === 'activesync') {
      activeSyncUrl = s.url
    } else if ('url' in s) {
      const url = new URL(s.url)
      davServers.push({
        type: s.type,
        url: s.url,
        port: s.port ?? portFromUrl(url),
        useSsl: s.use_ssl ?? url.protocol === 'https:',
        domainRequired: s.domain_required,
        userName: s.user_name,
      })
    } else {
      const serverPort = s.port ?? DEFAULT_PORT[s.type]
      servers.push({
        type: s.type,
        name: s.name,
        port: serverPort,
        prio: s.prio,
        socketType: s.socket_type ?? (IMPLICIT_TLS_PORTS.has(serverPort) ? 'SSL' : 'STARTTLS'),
        userName: s.user_name,
        authentication: s.authentication,
      })
    }
  }

  return ok({
    provider: {
      name: doc.provider,
      shortName: doc.short_name ?? (doc.provider.split(/\s+/)[0] ?? doc.provider).slice(0, MAX_SHORT_NAME),
    },
    domains: doc.domains.map((d) => ({ name: d.name, ldapserverId: d.ldapserver_id })),
    servers,
    davServers,
    ldapServers: doc.ldapservers.map((l) => ({
      id: l.id,
      name: l.name,
      port: l.port,
      useSsl: l.use_ssl ?? l.port === 636,
      searchBase: l.search_base,
      searchFilter: l.search_filter,
      attrUid: l.attr_uid,
      attrCn: l.attr_cn,
      bindUser: l.bind_user ?? null,
      bindPassword: l.bind_password ?? null,
    })),
    activeSyncUrl,
  })
}
