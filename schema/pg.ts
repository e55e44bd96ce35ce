/** The PostgreSQL tables for drizzle-kit (drizzle.pg.config.ts): derived in schema/dialects.ts. */
import { postgres } from './dialects'

export const { provider, ldapserver, domain, server, serverDomain, davserver, davserverDomain, activesync } = postgres.schema
