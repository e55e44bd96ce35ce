/**
 * The format-neutral account configuration every renderer consumes. It knows no wire format:
 * each renderer maps these values with its own exhaustive tables.
 */
import type { AUTHENTICATIONS, DAV_TYPES, SERVER_TYPES, SOCKET_TYPES, URL_SERVER_TYPES } from '../../schema/schema'

export type ServerType = (typeof SERVER_TYPES)[number]
export type SocketType = (typeof SOCKET_TYPES)[number]
export type Authentication = (typeof AUTHENTICATIONS)[number]
export type DavType = (typeof DAV_TYPES)[number]
export type UrlServerType = (typeof URL_SERVER_TYPES)[number]

/** An address as the user typed its local part, with the domain lowercased and in A-label form. */
export interface EmailAddress {
  readonly localPart: string
  readonly domain: string
  /** `localPart@domain` */
  readonly address: string
}

export interface MailServer {
  readonly type: ServerType
  readonly hostname: string
  readonly port: number
  readonly socketType: SocketType
  /** Username template; may hold %EMAILADDRESS% / %EMAILLOCALPART% / %EMAILDOMAIN%. */
  readonly username: string
  readonly authentication: Authentication
  readonly prio: number
}

export interface DavServer {
  readonly type: DavType
  readonly url: string
  readonly port: number
  readonly useSsl: boolean
  readonly domainRequired: boolean
  readonly username: string
}

/** A JMAP session or WebDAV file share: an https URL (placeholders allowed) and a login name. */
export interface UrlServer {
  readonly type: UrlServerType
  readonly url: string
  readonly username: string
}

/** A ManageSieve server (RFC 5804). */
export interface SieveServer {
  readonly hostname: string
  readonly port: number
  readonly socketType: SocketType
  readonly username: string
  readonly authentication: Authentication
}

export interface LdapServer {
  readonly id: number
  readonly host: string
  readonly port: number
  readonly useSsl: boolean
  readonly searchBase: string
  readonly searchFilter: string
  readonly attrUid: string
  readonly attrCn: string | null
  readonly bindUser: string | null
  readonly bindPassword: string | null
}

/** How the landing page lets people recognise their provider and reach its help; null = not set. */
export interface ProviderBrand {
  /** An https URL (admin/resources/providers.ts checks it on the way in). */
  readonly logoUrl: string | null
  /** An https URL. */
  readonly supportUrl: string | null
  /** A plain address, no display name. */
  readonly supportEmail: string | null
}

/** The provider's OAuth2 authorization server (docs/clients.md §5.11); URLs are https. */
export interface OAuth2Settings {
  readonly issuer: string
  readonly scope: string | null
  readonly authUrl: string | null
  readonly tokenUrl: string | null
  readonly clientId: string | null
  /** Servers marked `OAuth2` also take the account password (false: OAuth2 only). */
  readonly password: boolean
}

/** The page that explains how to set up a mail program. */
export interface Documentation {
  readonly url: string
  readonly description: string | null
}

export interface Provider {
  readonly name: string
  readonly shortName: string
  /** Every domain of the provider, the first-created first. */
  readonly domains: readonly string[]
  readonly brand: ProviderBrand
  /** null: the provider publishes no OAuth2 settings. */
  readonly oauth2: OAuth2Settings | null
  /** The set-up documentation, else the support pages (brand.supportUrl); null when neither is set. */
  readonly documentation: Documentation | null
}

/** Everything known about one mail domain, as one lookup returns it. */
export interface DomainConfig {
  readonly domain: string
  readonly provider: Provider
  /** Sorted: priority, then IMAP before POP3 before SMTP, then creation order. */
  readonly servers: readonly MailServer[]
  readonly davServers: readonly DavServer[]
  /** JMAP and WebDAV, creation order. */
  readonly urlServers: readonly UrlServer[]
  /** ManageSieve, creation order. */
  readonly sieveServers: readonly SieveServer[]
  readonly ldap: LdapServer | null
  /** The domain's Exchange ActiveSync endpoint (https), or null when it has none. */
  readonly activeSyncUrl: string | null
}

/** What a directory lookup found for one user; null fields were not found. */
export interface UserIdentity {
  readonly loginName: string | null
  readonly displayName: string | null
}
