/**
 * ManageSieve servers (table `sieveserver`, RFC 5804) under /admin/sieveservers: where mail
 * programs upload filter rules. Port 4190 and STARTTLS unless given (RFC 5804 §1.8 registers 4190;
 * the protocol starts in the clear and upgrades).
 */
import { eq } from 'drizzle-orm'
import { createInsertSchema } from 'drizzle-zod'
import { SOCKET_TYPES, sieveserver } from '../../../schema/schema'
import { asReplacement } from '../../db/tables'
import { defaultOf, hostname, oneOf, port, username } from '../fields'
import { linkedServerRoutes } from './linked-servers'
import { SIEVE_LINKS } from './links'
import { authentication } from './servers'

/** A ManageSieve server's fields as the admin API and the seed format take them. */
export const sieveServerFields = {
  name: hostname,
  port: port.default(defaultOf(sieveserver.port)),
  socket_type: oneOf(SOCKET_TYPES).default(defaultOf(sieveserver.socket_type)),
  user_name: username.default(defaultOf(sieveserver.user_name)),
  authentication,
}

export const sieveServerObject = createInsertSchema(sieveserver, sieveServerFields)

export const sieveservers = linkedServerRoutes({
  table: sieveserver,
  links: SIEVE_LINKS,
  plural: 'sieveservers',
  label: 'ManageSieve server',
  noun: 'SieveServer',
  insert: async (db, body) => (await db.insert(sieveserver).values(body).returning())[0],
  update: async (db, id, body) => (await db.update(sieveserver).set(asReplacement(sieveserver, body)).where(eq(sieveserver.id, id)).returning())[0],
  input: sieveServerObject.omit({ id: true }).strict(),
})
