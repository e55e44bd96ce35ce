/** The MySQL/MariaDB tables for drizzle-kit (drizzle.mysql.config.ts): derived in schema/dialects.ts. */
import { mysql } from './dialects'

export const { provider, ldapserver, domain, server, serverDomain, davserver, davserverDomain, activesync } = mysql.schema
