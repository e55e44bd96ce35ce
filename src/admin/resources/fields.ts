/**
 * One zod schema per resource (provider, domain, mail server, DAV server, LDAP server), shared by
 * the seed format (src/seed-format.ts) and the admin API bodies (src/routes/admin-*.ts), plus the
 * normalisers that apply automx2's defaults: ports imap 993, pop 995, smtp 465; SSL on
 * 465/993/995, else STARTTLS; LDAP on 636 (LDAPS), filter (mail={0}), attributes uid/cn; short
 * name = first word of the provider name. Wire names are automx2's snake_case column names.
 */
import * as z from 'zod'
import { normaliseDomain } from '../../core/address'
import type { Authentication, DavType, ServerType, SocketType } from '../../core/model'
import { AUTHENTICATIONS, SOCKET_TYPES } from '../../../schema/schema'

export interface ProviderRow {
  readonly id?: number
  readonly name: string
  readonly shortName: string
}
export interface DomainRow {
  readonly id?: number
  readonly name: string
  readonly ldapserverId: number | null
}
export interface ServerRow {
  readonly id?: number
  readonly type: ServerType
  readonly name: string
  readonly port: number
  readonly prio: number
  readonly socketType: SocketType
  readonly userName: string
  readonly authentication: Authentication
}
export interface DavServerRow {
  readonly id?: number
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

// Spec(autoconfig draft, displayName/displayShortName): MUST ≤ 60 and ≤ 20 characters.
export const MAX_PROVIDER_NAME = 60
export const MAX_SHORT_NAME = 20
const IMPLICIT_TLS_PORTS = new Set([465, 993, 995])
const DEFAULT_PORT: Record<ServerType, number> = { imap: 993, pop: 995, smtp: 465 }
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

/** Alternative spellings accepted on input, stored in automx2's spelling. */
const AUTHENTICATION_ALIASES: Record<string, Authentication> = {
  'password-cleartext': 'plain',
  'password-encrypted': 'secure',
}

export const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')

export const id = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive')

const port = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535')

const hostname = z
  .string({ error: 'must be a host name' })
  .meta({ description: 'host name (IDN allowed, stored as lowercase A-labels) or IPv4 address' })
  .transform((value, ctx) => {
  const host = IPV4.test(value.trim()) ? value.trim() : normaliseDomain(value)
  if (host === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid host name` })
    return z.NEVER
  }
  return host
})

export const domainName = z
  .string({ error: 'must be a domain name' })
  .meta({ description: 'domain name (IDN allowed, stored as lowercase A-labels)' })
  .transform((value, ctx) => {
  const name = normaliseDomain(value)
  if (name === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid domain name` })
    return z.NEVER
  }
  return name
})

const username = text(255).default('%EMAILADDRESS%')

const authentication = z
  .string({ error: 'must be a string' })
  .meta({ enum: [...AUTHENTICATIONS, ...Object.keys(AUTHENTICATION_ALIASES)], description: "'none' only for smtp" })
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
  .default('plain')

export const providerName = text(MAX_PROVIDER_NAME)
export const shortName = text(MAX_SHORT_NAME)
export const ldapserverId = id.nullable().default(null)

export const MAIL_SERVER_TYPES = ['imap', 'pop', 'pop3', 'smtp'] as const
export const mailServerShape = {
  type: z
    .enum(MAIL_SERVER_TYPES, { error: `must be one of ${MAIL_SERVER_TYPES.join(', ')}` })
    .transform((t): ServerType => (t === 'pop3' ? 'pop' : t)),
  name: hostname,
  port: port.optional(),
  prio: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').max(1_000_000).default(10),
  socket_type: z.enum(SOCKET_TYPES, { error: `must be one of ${SOCKET_TYPES.join(', ')}` }).optional(),
  user_name: username,
  authentication,
}

/** Incoming servers always need credentials; Thunderbird drops an incoming entry with `none`. */
export function noAnonymousIncoming(server: { type: ServerType; authentication: Authentication }, ctx: z.RefinementCtx): void {
  if (server.type !== 'smtp' && server.authentication === 'none') {
    ctx.addIssue({ code: 'custom', path: ['authentication'], message: `'none' is only allowed for smtp servers` })
  }
}

export const DAV_SERVER_TYPES = ['caldav', 'carddav'] as const
export const davServerShape = {
  type: z.enum(DAV_SERVER_TYPES, { error: `must be one of ${DAV_SERVER_TYPES.join(', ')}` }),
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  port: port.optional(),
  use_ssl: z.boolean({ error: 'must be true or false' }).optional(),
  domain_required: z.boolean({ error: 'must be true or false' }).default(false),
  user_name: username,
}

// Quirk(EAS clients): they send the user's password with every ActiveSync request, and iOS and
// Autodiscover v2 clients expect an https endpoint; a plain-http URL is refused.
export const activeSyncUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' })

export const ldapServerShape = {
  name: hostname,
  port: port.default(636),
  use_ssl: z.boolean({ error: 'must be true or false' }).optional(),
  search_base: text(1024),
  search_filter: text(1024)
    .refine((f) => f.includes('{0}'), 'must contain the placeholder {0}')
    .refine((f) => f.startsWith('(') && f.endsWith(')'), 'must be a parenthesised LDAP filter')
    .default('(mail={0})'),
  attr_uid: text(128).default('uid'),
  attr_cn: text(128).nullable().default('cn'),
  bind_user: text(1024).nullable().optional(),
  bind_password: z.string({ error: 'must be a string' }).max(1024).nullable().optional(),
}

// Admin API request bodies. PUT takes the same body as POST: the resource is replaced, and
// omitted optional fields take their defaults (except `bind_password`, see routes/admin-ldapservers.ts).
export const providerBody = z.strictObject({ name: providerName, short_name: shortName.optional() })
export const domainBody = z.strictObject({ name: domainName, provider_id: id, ldapserver_id: ldapserverId })
export const mailServerBody = z.strictObject(mailServerShape).superRefine(noAnonymousIncoming)
export const davServerBody = z.strictObject(davServerShape)
export const ldapServerBody = z.strictObject(ldapServerShape)
/** PUT /admin/domains/<domain>/activesync: the domain's Exchange ActiveSync endpoint. */
export const activeSyncBody = z.strictObject({ url: activeSyncUrl })

export function toProviderRow(name: string, short: string | undefined): Omit<ProviderRow, 'id'> {
  return { name, shortName: short ?? (name.split(/\s+/)[0] ?? name).slice(0, MAX_SHORT_NAME) }
}

export function toServerRow(s: z.output<typeof mailServerBody>): Omit<ServerRow, 'id'> {
  const serverPort = s.port ?? DEFAULT_PORT[s.type]
  return {
    type: s.type,
    name: s.name,
    port: serverPort,
    prio: s.prio,
    socketType: s.socket_type ?? (IMPLICIT_TLS_PORTS.has(serverPort) ? 'SSL' : 'STARTTLS'),
    userName: s.user_name,
    authentication: s.authentication,
  }
}

function portFromUrl(url: URL): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

export function toDavServerRow(d: z.output<typeof davServerBody>): Omit<DavServerRow, 'id'> {
  const url = new URL(d.url)
  return {
    type: d.type,
    url: d.url,
    port: d.port ?? portFromUrl(url),
    useSsl: d.use_ssl ?? url.protocol === 'https:',
    domainRequired: d.domain_required,
    userName: d.user_name,
  }
}

export function toLdapServerRow(l: z.output<typeof ldapServerBody>): Omit<LdapServerRow, 'id'> {
  return {
    name: l.name,
    port: l.port,
    useSsl: l.use_ssl ?? l.port === 636,
    searchBase: l.search_base,
    searchFilter: l.search_filter,
    attrUid: l.attr_uid,
    attrCn: l.attr_cn,
    bindUser: l.bind_user ?? null,
    bindPassword: l.bind_password ?? null,
  }
}
