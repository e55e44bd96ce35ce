/**
 * Database tables (Drizzle, SQLite dialect: D1 and libsql). Column names follow automx2's model so
 * its users can move their data; `drizzle-kit generate` turns this file into schema/migrations.
 * Properties are named exactly like their columns, which are also the field names of the seed
 * format and the admin API: a row is its own wire form, with no mapping layer in between.
 */
import { relations, sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const SERVER_TYPES = ['imap', 'pop', 'smtp'] as const
export const SOCKET_TYPES = ['SSL', 'STARTTLS', 'plain'] as const
/**
 * Stored authentication values. automx2's `plain`/`secure` spellings are kept; each one has a
 * mapping in every output format (Apple has no GSSAPI or client-certificate value, so those are
 * not allowed here: see docs/clients.md §3.3).
 */
export const AUTHENTICATIONS = ['plain', 'secure', 'NTLM', 'OAuth2', 'none'] as const
export const DAV_TYPES = ['caldav', 'carddav'] as const
/** Servers reached by a URL that the autoconfig draft (version 1.2) and PACC name: JMAP and WebDAV file shares. */
export const URL_SERVER_TYPES = ['jmap', 'webdav'] as const

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`)

/**
 * A provider. Beyond automx2's columns, three optional ones that the landing page shows so people
 * recognise who is setting up their mail (null = not shown). They are added columns rather than a
 * table of their own, and nullable, so automx2's reads of this table are unaffected. The rules
 * (https URLs, a plain address) are the admin API's and the seed's (admin/resources/providers.ts):
 * a CHECK would make SQLite rebuild the table, which D1 refuses while domains reference it.
 */
export const provider = sqliteTable('provider', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  short_name: text('short_name').notNull(),
  /** https URL of the provider's logo. */
  logo_url: text('logo_url'),
  /** https URL of the provider's help pages. */
  support_url: text('support_url'),
  /** Where users write for help. */
  support_email: text('support_email'),
  /**
   * The provider's OAuth2 authorization server (docs/clients.md §5.11): its issuer (required for
   * the rest to mean anything), scope, endpoints and the public client id. No client secret: a
   * secret published in a public document is no secret (the draft's OAuth2 profile needs none).
   */
  oauth2_issuer: text('oauth2_issuer'),
  oauth2_scope: text('oauth2_scope'),
  oauth2_auth_url: text('oauth2_auth_url'),
  oauth2_token_url: text('oauth2_token_url'),
  oauth2_client_id: text('oauth2_client_id'),
  /**
   * Whether servers marked `OAuth2` also take the account's password (the default, and what
   * Autoconfig's password fallback promises); false makes them OAuth2-only.
   */
  oauth2_password: integer('oauth2_password', { mode: 'boolean' }),
  /** https URL of the page explaining how to set up a mail program (Autoconfig, PACC). */
  documentation_url: text('documentation_url'),
  /** The link text for `documentation_url`. */
  documentation_descr: text('documentation_descr'),
})

export const ldapserver = sqliteTable('ldapserver', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  port: integer('port').notNull().default(636),
  use_ssl: integer('use_ssl', { mode: 'boolean' }).notNull().default(true),
  search_base: text('search_base').notNull(),
  search_filter: text('search_filter').notNull().default('(mail={0})'),
  attr_uid: text('attr_uid').notNull().default('uid'),
  attr_cn: text('attr_cn').default('cn'),
  bind_user: text('bind_user'),
  bind_password: text('bind_password'),
})

export const domain = sqliteTable(
  'domain',
  {
    id: integer('id').primaryKey(),
    // Lowercase A-label (punycode); the unique index is the lookup index for every request.
    name: text('name').notNull().unique(),
    provider_id: integer('provider_id')
      .notNull()
      .references(() => provider.id),
    ldapserver_id: integer('ldapserver_id').references(() => ldapserver.id),
  },
  (t) => [
    index('domain_provider_idx').on(t.provider_id),
    check('domain_name_lowercase', sql`${t.name} = lower(${t.name})`),
  ],
)

export const server = sqliteTable(
  'server',
  {
    id: integer('id').primaryKey(),
    prio: integer('prio').notNull().default(10),
    type: text('type', { enum: SERVER_TYPES }).notNull(),
    name: text('name').notNull(),
    port: integer('port').notNull(),
    socket_type: text('socket_type', { enum: SOCKET_TYPES }).notNull().default('STARTTLS'),
    user_name: text('user_name').notNull().default('%EMAILADDRESS%'),
    authentication: text('authentication', { enum: AUTHENTICATIONS }).notNull().default('plain'),
  },
  (t) => [
    check('server_type', inList('type', SERVER_TYPES)),
    check('server_socket_type', inList('socket_type', SOCKET_TYPES)),
    check('server_authentication', inList('authentication', AUTHENTICATIONS)),
    check('server_port', sql`${t.port} BETWEEN 1 AND 65535`),
  ],
)

export const serverDomain = sqliteTable(
  'server_domain',
  {
    server_id: integer('server_id')
      .notNull()
      .references(() => server.id, { onDelete: 'cascade' }),
    domain_id: integer('domain_id')
      .notNull()
      .references(() => domain.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.server_id, t.domain_id] }),
    index('server_domain_domain_idx').on(t.domain_id),
  ],
)

export const davserver = sqliteTable(
  'davserver',
  {
    id: integer('id').primaryKey(),
    type: text('type', { enum: DAV_TYPES }).notNull(),
    url: text('url').notNull(),
    port: integer('port').notNull(),
    use_ssl: integer('use_ssl', { mode: 'boolean' }).notNull().default(true),
    domain_required: integer('domain_required', { mode: 'boolean' }).notNull().default(false),
    user_name: text('user_name').notNull().default('%EMAILADDRESS%'),
  },
  (t) => [
    check('davserver_type', inList('type', DAV_TYPES)),
    check('davserver_port', sql`${t.port} BETWEEN 1 AND 65535`),
  ],
)

export const davserverDomain = sqliteTable(
  'davserver_domain',
  {
    davserver_id: integer('davserver_id')
      .notNull()
      .references(() => davserver.id, { onDelete: 'cascade' }),
    domain_id: integer('domain_id')
      .notNull()
      .references(() => domain.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.davserver_id, t.domain_id] }),
    index('davserver_domain_domain_idx').on(t.domain_id),
  ],
)

/**
 * JMAP sessions and WebDAV file shares: services reached by URL (autoconfig draft 1.2, PACC). A table
 * of their own rather than rows of `server` or `davserver`: automx2 reads those two tables and
 * would offer rows of types it does not know, so its own outputs stay as they were.
 */
export const urlserver = sqliteTable(
  'urlserver',
  {
    id: integer('id').primaryKey(),
    type: text('type', { enum: URL_SERVER_TYPES }).notNull(),
    url: text('url').notNull(),
    user_name: text('user_name').notNull().default('%EMAILADDRESS%'),
  },
  (t) => [check('urlserver_type', inList('type', URL_SERVER_TYPES)), check('urlserver_url_https', sql`${t.url} LIKE 'https://%'`)],
)

export const urlserverDomain = sqliteTable(
  'urlserver_domain',
  {
    urlserver_id: integer('urlserver_id')
      .notNull()
      .references(() => urlserver.id, { onDelete: 'cascade' }),
    domain_id: integer('domain_id')
      .notNull()
      .references(() => domain.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.urlserver_id, t.domain_id] }), index('urlserver_domain_domain_idx').on(t.domain_id)],
)

/** ManageSieve (RFC 5804) servers, where mail programs upload filter rules; its own table for the same reason. */
export const sieveserver = sqliteTable(
  'sieveserver',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    port: integer('port').notNull().default(4190),
    socket_type: text('socket_type', { enum: SOCKET_TYPES }).notNull().default('STARTTLS'),
    user_name: text('user_name').notNull().default('%EMAILADDRESS%'),
    authentication: text('authentication', { enum: AUTHENTICATIONS }).notNull().default('plain'),
  },
  (t) => [
    check('sieveserver_socket_type', inList('socket_type', SOCKET_TYPES)),
    check('sieveserver_authentication', inList('authentication', AUTHENTICATIONS)),
    check('sieveserver_port', sql`${t.port} BETWEEN 1 AND 65535`),
  ],
)

export const sieveserverDomain = sqliteTable(
  'sieveserver_domain',
  {
    sieveserver_id: integer('sieveserver_id')
      .notNull()
      .references(() => sieveserver.id, { onDelete: 'cascade' }),
    domain_id: integer('domain_id')
      .notNull()
      .references(() => domain.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.sieveserver_id, t.domain_id] }), index('sieveserver_domain_domain_idx').on(t.domain_id)],
)

/**
 * The Exchange ActiveSync endpoint of a domain (mobilesync Autodiscover and Autodiscover v2,
 * docs/clients.md §2.8–§2.9). Not part of automx2's model, so it lives in its own table rather than in
 * a new column of an automx2 table; at most one per domain, and https only (EAS clients send the
 * user's password with every request).
 */
export const activesync = sqliteTable(
  'activesync',
  {
    id: integer('id').primaryKey(),
    domain_id: integer('domain_id')
      .notNull()
      .unique()
      .references(() => domain.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
  },
  (t) => [check('activesync_url_https', sql`${t.url} LIKE 'https://%'`)],
)

export const providerRelations = relations(provider, ({ many }) => ({
  domains: many(domain),
}))

export const domainRelations = relations(domain, ({ one, many }) => ({
  provider: one(provider, { fields: [domain.provider_id], references: [provider.id] }),
  ldapserver: one(ldapserver, { fields: [domain.ldapserver_id], references: [ldapserver.id] }),
  serverLinks: many(serverDomain),
  davserverLinks: many(davserverDomain),
  urlserverLinks: many(urlserverDomain),
  sieveserverLinks: many(sieveserverDomain),
  activesync: one(activesync),
}))

export const activesyncRelations = relations(activesync, ({ one }) => ({
  domain: one(domain, { fields: [activesync.domain_id], references: [domain.id] }),
}))

export const serverDomainRelations = relations(serverDomain, ({ one }) => ({
  server: one(server, { fields: [serverDomain.server_id], references: [server.id] }),
  domain: one(domain, { fields: [serverDomain.domain_id], references: [domain.id] }),
}))

export const davserverDomainRelations = relations(davserverDomain, ({ one }) => ({
  davserver: one(davserver, { fields: [davserverDomain.davserver_id], references: [davserver.id] }),
  domain: one(domain, { fields: [davserverDomain.domain_id], references: [domain.id] }),
}))

export const urlserverDomainRelations = relations(urlserverDomain, ({ one }) => ({
  urlserver: one(urlserver, { fields: [urlserverDomain.urlserver_id], references: [urlserver.id] }),
  domain: one(domain, { fields: [urlserverDomain.domain_id], references: [domain.id] }),
}))

export const sieveserverDomainRelations = relations(sieveserverDomain, ({ one }) => ({
  sieveserver: one(sieveserver, { fields: [sieveserverDomain.sieveserver_id], references: [sieveserver.id] }),
  domain: one(domain, { fields: [sieveserverDomain.domain_id], references: [domain.id] }),
}))
