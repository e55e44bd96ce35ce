/** Small builders for renderer tests: a sensible default with overrides. */
import { toAccount, type ResolvedAccount, type UserAccount } from '../../src/core/account'
import type { DavServer, DomainConfig, EmailAddress, MailServer, Provider, ProviderBrand, SieveServer, UrlServer, UserIdentity } from '../../src/core/model'

/** A provider without logo or support links. */
export const NO_BRAND: ProviderBrand = { logoUrl: null, supportUrl: null, supportEmail: null }

export function aServer(overrides: Partial<MailServer> = {}): MailServer {
  return {
    type: 'imap',
    hostname: 'imap.example.net',
    port: 993,
    socketType: 'SSL',
    username: '%EMAILADDRESS%',
    authentication: 'plain',
    prio: 10,
    ...overrides,
  }
}

export function aDavServer(overrides: Partial<DavServer> = {}): DavServer {
  return {
    type: 'caldav',
    url: 'https://dav.example.net/caldav/',
    port: 443,
    useSsl: true,
    domainRequired: false,
    username: '%EMAILADDRESS%',
    ...overrides,
  }
}

export function aUrlServer(overrides: Partial<UrlServer> = {}): UrlServer {
  return { type: 'jmap', url: 'https://jmap.example.net/.well-known/jmap', username: '%EMAILADDRESS%', ...overrides }
}

export function aSieveServer(overrides: Partial<SieveServer> = {}): SieveServer {
  return { hostname: 'sieve.example.net', port: 4190, socketType: 'STARTTLS', username: '%EMAILADDRESS%', authentication: 'plain', ...overrides }
}

/** A provider without brand, OAuth2 or documentation. */
export function aProvider(overrides: Partial<Provider> = {}): Provider {
  return { name: 'Example Mail', shortName: 'Example', domains: ['example.net', 'example.org'], brand: NO_BRAND, oauth2: null, documentation: null, ...overrides }
}

export function aDomainConfig(overrides: Partial<DomainConfig> = {}): DomainConfig {
  return {
    domain: 'example.net',
    provider: aProvider(),
    servers: [
      aServer(),
      aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL' }),
    ],
    davServers: [],
    urlServers: [],
    sieveServers: [],
    ldap: null,
    activeSyncUrl: null,
    ...overrides,
  }
}

/** The account a request without an address resolves to (Autoconfig by host name, DNS). */
export function anAccount(config: DomainConfig = aDomainConfig(), identity: UserIdentity | null = null): ResolvedAccount {
  return toAccount({ config, who: null, identity })
}

/** The account of a request naming `who`, as core/resolve.ts builds it. */
export function aUserAccount(config: DomainConfig, who: EmailAddress, identity: UserIdentity | null = null, typedName: string | null = null): UserAccount {
  return toAccount({ config, who, identity, typedName })
}
