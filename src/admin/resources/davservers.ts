/**
 * DAV servers (table `davserver`: CalDAV, CardDAV) under /admin/davservers. The URL may hold
 * placeholders (docs/clients.md §5.12); port and TLS default from it.
 */
import { eq } from 'drizzle-orm'
import { createInsertSchema } from 'drizzle-zod'
import { DAV_TYPES, davserver } from '../../../schema/schema'
import { defaultOf, flag, httpUrl, oneOf, port, username } from '../fields'
import { asReplacement } from '../../db/tables'
import { linkedServerRoutes } from './linked-servers'
import { DAV_LINKS } from './links'

/** A DAV server's fields as the admin API and the seed format take them (before defaults). */
export const davServerFields = {
  type: oneOf(DAV_TYPES),
  url: httpUrl,
  port: port.optional(),
  use_ssl: flag.optional(),
  domain_required: flag.default(defaultOf(davserver.domain_required)),
  user_name: username.default(defaultOf(davserver.user_name)),
}

/** A DAV server as the admin API and the seed format take it: every column of the table, with these rules. */
export const davServerObject = createInsertSchema(davserver, davServerFields)

/** The port and TLS of the URL, unless given. */
export function withDavDefaults<T extends { url: string; port?: number | undefined; use_ssl?: boolean | undefined }>(d: T) {
  const url = new URL(d.url)
  const https = url.protocol === 'https:'
  return { ...d, port: d.port ?? (url.port === '' ? (https ? 443 : 80) : Number(url.port)), use_ssl: d.use_ssl ?? https }
}

export const davservers = linkedServerRoutes({
  table: davserver,
  links: DAV_LINKS,
  plural: 'davservers',
  label: 'DAV server',
  noun: 'DavServer',
  insert: async (db, body) => (await db.insert(davserver).values(body).returning())[0],
  update: async (db, id, body) => (await db.update(davserver).set(asReplacement(davserver, body)).where(eq(davserver.id, id)).returning())[0],
  input: davServerObject.omit({ id: true }).strict().transform(withDavDefaults),
})
