/** Small builders for renderer tests: a sensible default with overrides. */
import { toAccount, type ResolvedAccount, type UserAccount } from '../../src/core/account'
import type { DavServer, DomainConfig, EmailAddress, MailServer, ProviderBrand, UserIdentity } from '../../src/core/model'

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

export function aDomainConfig(overrides: Partial<DomainConfig> = {}): DomainConfig {
  return {
    domain: 'example.net',
    provider: { name: 'Example Mail', shortName: 'Example', domains: ['example.net', 'example.org'], brand: NO_BRAND },
    servers: [
      aServer(),
      aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL' }),
    ],
    davServers: [],
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
