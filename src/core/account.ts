/**
 * The resolved account: everything a renderer needs to answer one request, with every per-user rule
 * already applied (which servers are offered, which login name and display name each uses, DAV URLs
 * with their placeholders expanded), so that each protocol's renderer only maps values to its format.
 * Pure: built from the domain's data and what the directory said about the user.
 */
import type { Authentication, DavType, DomainConfig, EmailAddress, MailServer, Provider, SocketType, UrlServerType, UserIdentity } from './model'
import { contextPath, expandPlaceholders, expandPlaceholdersInUrl } from './placeholders'
import type { Result } from './result'
import { choosePrimaryServers, preferEncrypted, type MissingServer, type PrimaryServers } from './server-choice'

export interface AccountServer extends Omit<MailServer, 'username'> {
  /**
   * The username for clients that substitute placeholders themselves (Autoconfig): the directory's
   * login name when it has one, else the stored template (docs/clients.md §1.4, §5.12).
   */
  readonly usernameTemplate: string
  /**
   * The username for clients that substitute nothing (Autodiscover, Apple, people): the directory's
   * login name, else the template expanded for the user; the template itself when nobody was named.
   */
  readonly username: string
  /**
   * Signs in with OAuth2 and no password: `OAuth2` while the provider says its OAuth2 servers take no
   * password. Formats without an OAuth2 value leave such a server out (docs/clients.md §5.11).
   */
  readonly oauth2Only: boolean
}

export interface AccountDavServer {
  readonly type: DavType
  /** As stored, placeholders kept: for Autoconfig, whose clients substitute them. */
  readonly urlTemplate: string
  /**
   * Expanded for the user: Apple's PrincipalURL and Outlook's Server are used literally (docs/clients.md
   * §3.4, §2.3, §5.12). The template itself when nobody was named.
   */
  readonly url: string
  /** The collection root every user shares: the URL path before the first placeholder (RFC 6764). */
  readonly contextPath: string
  readonly port: number
  readonly useSsl: boolean
  readonly domainRequired: boolean
  readonly usernameTemplate: string
  readonly username: string
}

/** A JMAP session or WebDAV share, URL and username as for DAV servers. */
export interface AccountUrlServer {
  readonly type: UrlServerType
  readonly urlTemplate: string
  readonly url: string
  readonly usernameTemplate: string
  readonly username: string
}

export interface AccountSieveServer {
  readonly hostname: string
  readonly port: number
  readonly socketType: SocketType
  readonly authentication: Authentication
  readonly oauth2Only: boolean
  readonly usernameTemplate: string
  readonly username: string
}

export interface ResolvedAccount {
  /** The mail domain asked for (lowercase A-labels). */
  readonly domain: string
  readonly provider: Provider
  /** The user, when the request named one. */
  readonly who: EmailAddress | null
  /** The name to show for the user: what they typed, else the directory's common name. */
  readonly displayName: string | null
  /**
   * The mail servers offered, preferred first (priority, then IMAP before POP3 before SMTP); a
   * plain-text server only where its protocol has no encrypted one (core/server-choice.ts).
   */
  readonly servers: readonly AccountServer[]
  /** The one incoming and one outgoing server of formats that hold exactly one of each. */
  readonly primary: Result<PrimaryServers<AccountServer>, MissingServer>
  readonly davServers: readonly AccountDavServer[]
  readonly urlServers: readonly AccountUrlServer[]
  readonly sieveServers: readonly AccountSieveServer[]
  /**
   * Services reached by URL (DAV, JMAP, WebDAV) take the account password (HTTP Basic): false when
   * the provider's OAuth2 settings say its servers take OAuth2 only (docs/clients.md §5.11).
   */
  readonly urlServicesTakePassword: boolean
  /** The domain's Exchange ActiveSync endpoint (https), or null. */
  readonly activeSyncUrl: string | null
  /** True when the answer depends on who asked (the directory was consulted): never cached for others. */
  readonly perUser: boolean
}

/** A resolved account for a request that named its user. */
export type UserAccount = ResolvedAccount & { readonly who: EmailAddress }

export interface AccountInput<W extends EmailAddress | null> {
  readonly config: DomainConfig
  readonly who: W
  /** What the domain's directory found for the user; null without a directory or an entry. */
  readonly identity: UserIdentity | null
  /** The name the user typed (Apple profile, landing page), if any. */
  readonly typedName?: string | null
}

/** docs/clients.md §5.6: an answer depends on its user when a directory is asked about a named user. */
export function dependsOnUser(config: DomainConfig, who: EmailAddress | null): boolean {
  return who !== null && config.ldap !== null
}

export function toAccount<W extends EmailAddress | null>(input: AccountInput<W>): ResolvedAccount & { readonly who: W } {
  const { config, who, identity } = input
  const login = identity?.loginName ?? null
  const usernames = (template: string) => ({
    usernameTemplate: login ?? template,
    username: login ?? (who ? expandPlaceholders(template, who) : template),
  })
  const passwordsWithOAuth2 = config.provider.oauth2?.password ?? true
  const oauth2Only = (authentication: Authentication) => authentication === 'OAuth2' && !passwordsWithOAuth2
  const servers = preferEncrypted(config.servers).map(
    ({ username, ...server }): AccountServer => ({ ...server, ...usernames(username), oauth2Only: oauth2Only(server.authentication) }),
  )
  const davServers = config.davServers.map(
    (dav): AccountDavServer => ({
      type: dav.type,
      urlTemplate: dav.url,
      url: who ? expandPlaceholdersInUrl(dav.url, who) : dav.url,
      contextPath: contextPath(dav.url),
      port: dav.port,
      useSsl: dav.useSsl,
      domainRequired: dav.domainRequired,
      ...usernames(dav.username),
    }),
  )
  const urlServers = config.urlServers.map(
    (u): AccountUrlServer => ({
      type: u.type,
      urlTemplate: u.url,
      url: who ? expandPlaceholdersInUrl(u.url, who) : u.url,
      ...usernames(u.username),
    }),
  )
  const sieveServers = config.sieveServers.map(
    ({ username, ...sieve }): AccountSieveServer => ({ ...sieve, ...usernames(username), oauth2Only: oauth2Only(sieve.authentication) }),
  )
  return {
    domain: config.domain,
    provider: config.provider,
    who,
    displayName: input.typedName?.trim() || identity?.displayName || null,
    servers,
    primary: choosePrimaryServers(servers),
    davServers,
    urlServers,
    sieveServers,
    urlServicesTakePassword: passwordsWithOAuth2,
    activeSyncUrl: config.activeSyncUrl,
    perUser: dependsOnUser(config, who),
  }
}

/**
 * What a format without an OAuth2 value (POX Autodiscover, Apple profiles) can offer: mail servers
 * that take a password, and DAV servers unless the provider's HTTP services are OAuth2-only
 * (docs/clients.md §5.11). Such a format leaves the rest out rather than promise a password login.
 */
export function passwordServices(account: ResolvedAccount): { readonly servers: readonly AccountServer[]; readonly davServers: readonly AccountDavServer[] } {
  return {
    servers: account.servers.filter((s) => !s.oauth2Only),
    davServers: account.urlServicesTakePassword ? account.davServers : [],
  }
}
