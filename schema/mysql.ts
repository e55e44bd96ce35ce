/** The MySQL/MariaDB tables for drizzle-kit (drizzle.mysql.config.ts): derived in schema/dialects.ts. */
import { mysql, type TableKey } from './dialects'

// drizzle-kit reads named exports only, so each table is named here; a table of schema.ts missing
// from this list is a type error below rather than a table without migrations.
export const { provider, ldapserver, domain, server, serverDomain, davserver, davserverDomain, urlserver, urlserverDomain, sieveserver, sieveserverDomain, activesync } = mysql.schema

const named = { provider, ldapserver, domain, server, serverDomain, davserver, davserverDomain, urlserver, urlserverDomain, sieveserver, sieveserverDomain, activesync } satisfies Record<TableKey, unknown>
void named
