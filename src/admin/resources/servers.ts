/**
 * Mail servers (table `server`: IMAP, POP3, SMTP) under /admin/servers, with automx2's defaults:
 * port imap 993, pop 995, smtp 465; socket type SSL on 465/993/995, else STARTTLS.
 */
import { eq } from 'drizzle-orm'
import { createInsertSchema } from 'drizzle-zod'
import * as z from 'zod'
import { AUTHENTICATIONS, SOCKET_TYPES, server } from '../../../schema/schema'
import type { Authentication, ServerType } from '../../core/model'
import { defaultOf, hostname, oneOf, port, username } from '../fields'
import { asReplacement } from '../../db/tables'
import { linkedServerRoutes } from './linked-servers'
import { SERVER_LINKS } from './links'

const DEFAULT_PORT: Record<ServerType, number> = { imap: 993, pop: 995, smtp: 465 }
const IMPLICIT_TLS_PORTS = new Set([465, 993, 995])

/** Alternative spellings accepted on input, stored in automx2's spelling. */
const AUTHENTICATION_ALIASES: Record<string, Authentication> = {
  'password-cleartext': 'plain',
  'password-encrypted': 'secure',
}

/** automx2's authentication values, with the Autoconfig spellings accepted as aliases; shared with ManageSieve servers. */
export const authentication = z
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
  .default(defaultOf(server.authentication))

const MAIL_SERVER_TYPES = ['imap', 'pop', 'pop3', 'smtp'] as const

/** A mail server's fields as the admin API and the seed format take them (before defaults). */
export const mailServerFields = {
  type: oneOf(MAIL_SERVER_TYPES).transform((t): ServerType => (t === 'pop3' ? 'pop' : t)),
  name: hostname,
  port: port.optional(),
  prio: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').max(1_000_000).default(defaultOf(server.prio)),
  socket_type: oneOf(SOCKET_TYPES).optional(),
  user_name: username.default(defaultOf(server.user_name)),
  authentication,
}

/** A mail server as the admin API and the seed format take it: every column of the table, with these rules. */
export const mailServerObject = createInsertSchema(server, mailServerFields)

/** Incoming servers always need credentials; Thunderbird drops an incoming entry with `none` (docs/clients.md §1.5). */
export function noAnonymousIncoming(s: { type: ServerType; authentication: Authentication }, ctx: z.RefinementCtx): void {
  if (s.type !== 'smtp' && s.authentication === 'none') {
    ctx.addIssue({ code: 'custom', path: ['authentication'], message: `'none' is only allowed for smtp servers` })
  }
}

/** automx2's defaults: the port from the type, the socket type from the port. */
export function withServerDefaults<T extends { type: ServerType; port?: number | undefined; socket_type?: (typeof SOCKET_TYPES)[number] | undefined }>(s: T) {
  const serverPort = s.port ?? DEFAULT_PORT[s.type]
  return { ...s, port: serverPort, socket_type: s.socket_type ?? (IMPLICIT_TLS_PORTS.has(serverPort) ? 'SSL' : 'STARTTLS') }
}

export const servers = linkedServerRoutes({
  table: server,
  links: SERVER_LINKS,
  plural: 'servers',
  label: 'server',
  noun: 'Server',
  insert: async (db, body) => (await db.insert(server).values(body).returning())[0],
  update: async (db, id, body) => (await db.update(server).set(asReplacement(server, body)).where(eq(server.id, id)).returning())[0],
  input: mailServerObject.omit({ id: true }).strict().superRefine(noAnonymousIncoming).transform(withServerDefaults),
})
