/**
 * What the admin API answers, as zod schemas: the response types of src/db/admin-*.ts are
 * inferred from them and the OpenAPI document (src/admin-openapi.ts) is generated from them, so
 * the two cannot drift. LDAP bind passwords are write-only: a view only says whether one is set.
 */
import * as z from 'zod'
import { AUTHENTICATIONS, DAV_TYPES, SERVER_TYPES, SOCKET_TYPES } from '../../schema/schema'

const rowId = z.number().int().positive()
/** Names of the domains a server serves (lowercase A-labels). */
const servedDomains = z.array(z.string())

export const providerView = z.object({
  id: rowId,
  name: z.string(),
  short_name: z.string(),
  domains: z.array(z.string()).meta({ description: 'names of the domains of this provider, oldest first' }),
})

export const domainView = z.object({
  id: rowId,
  name: z.string().meta({ description: 'lowercase A-label (punycode) form' }),
  provider_id: rowId,
  ldapserver_id: rowId.nullable(),
})

export const serverView = z.object({
  id: rowId,
  type: z.enum(SERVER_TYPES),
  name: z.string(),
  port: z.number().int(),
  prio: z.number().int(),
  socket_type: z.enum(SOCKET_TYPES),
  user_name: z.string(),
  authentication: z.enum(AUTHENTICATIONS),
  domains: servedDomains,
})

export const davServerView = z.object({
  id: rowId,
  type: z.enum(DAV_TYPES),
  url: z.string(),
  port: z.number().int(),
  use_ssl: z.boolean(),
  domain_required: z.boolean(),
  user_name: z.string(),
  domains: servedDomains,
})

export const ldapServerView = z.object({
  id: rowId,
  name: z.string(),
  port: z.number().int(),
  use_ssl: z.boolean(),
  search_base: z.string(),
  search_filter: z.string(),
  attr_uid: z.string(),
  attr_cn: z.string().nullable(),
  bind_user: z.string().nullable(),
  has_bind_password: z.boolean().meta({ description: 'bind_password itself is write-only' }),
  domains: servedDomains.meta({ description: 'domains that use this directory' }),
})

export const problemsView = z.object({
  error: z.string(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})

export type ProviderView = z.output<typeof providerView>
export type DomainView = z.output<typeof domainView>
export type ServerView = z.output<typeof serverView>
export type DavServerView = z.output<typeof davServerView>
export type LdapServerView = z.output<typeof ldapServerView>
