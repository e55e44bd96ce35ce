/**
 * Servers reached by a URL (table `urlserver`: JMAP sessions, WebDAV file shares) under
 * /admin/urlservers. The URL is https and may hold placeholders (docs/clients.md §5.12); the
 * autoconfig draft 1.2 and PACC publish them (§1.8, §4.7).
 */
import { eq } from 'drizzle-orm'
import { createInsertSchema } from 'drizzle-zod'
import { URL_SERVER_TYPES, urlserver } from '../../../schema/schema'
import { asReplacement } from '../../db/tables'
import { defaultOf, httpsUrl, oneOf, username } from '../fields'
import { linkedServerRoutes } from './linked-servers'
import { URL_LINKS } from './links'

/** A URL server's fields as the admin API and the seed format take them. */
export const urlServerFields = {
  type: oneOf(URL_SERVER_TYPES),
  url: httpsUrl,
  user_name: username.default(defaultOf(urlserver.user_name)),
}

export const urlServerObject = createInsertSchema(urlserver, urlServerFields)

export const urlservers = linkedServerRoutes({
  table: urlserver,
  links: URL_LINKS,
  plural: 'urlservers',
  label: 'URL server',
  noun: 'UrlServer',
  insert: async (db, body) => (await db.insert(urlserver).values(body).returning())[0],
  update: async (db, id, body) => (await db.update(urlserver).set(asReplacement(urlserver, body)).where(eq(urlserver.id, id)).returning())[0],
  input: urlServerObject.omit({ id: true }).strict(),
})
