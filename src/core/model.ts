/**
 * The format-neutral account configuration every renderer consumes. It knows no wire format:
 * each renderer maps these values with its own exhaustive tables.
 */
import type { AUTHENTICATIONS, DAV_TYPES, SERVER_TYPES, SOCKET_TYPES } from '../../schema/schema'

export type ServerType = (typeof SERVER_TYPES)[number]
export type SocketType = (typeof SOCKET_TYPES)[number]
export type Authentication = (typeof AUTHENTICATIONS)[number]
export type DavType = (typeof DAV_TYPES)[number]

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

export interface Provider {
  readonly name: string
  readonly shortName: string
  /** Every domain of the provider, the first-created first. */
  readonly domains: readonly string[]
  readonly brand: ProviderBrand
}

/** Everything known about one mail domain, as one lookup returns it. */
export interface DomainConfig {
  readonly domain: string
  readonly provider: Provider
  /** Sorted: priority, then IMAP before POP3 before SMTP, then creation order. */
  readonly servers: readonly MailServer[]
  readonly davServers: readonly DavServer[]
  readonly ldap: LdapServer | null
  /** The domain's Exchange ActiveSync endpoint (https), or null when it has none. */
  readonly activeSyncUrl: string | null
}

/** What a directory lookup found for one user; null fields were not found. */
export interface UserIdentity {
  readonly loginName: string | null
  readonly displayName: string | null
}
