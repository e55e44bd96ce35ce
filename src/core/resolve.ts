/**
 * Resolve: from a mail domain (and the user's address, when known) to everything a renderer
 * needs. One database round trip; plus a directory lookup when the domain has an LDAP server and
 * a directory is configured.
 */
import type { Db } from '../db/client'
import type { DomainCache } from '../db/domain-cache'
import { findDomainConfig } from '../db/domain-query'
import type { DomainConfig, EmailAddress, LdapServer, UserIdentity } from './model'

/** Looks one user up in a domain's directory; null when the directory has no such entry. */
export type FindUser = (ldap: LdapServer, who: EmailAddress) => Promise<UserIdentity | null>

export interface LookupDeps {
  readonly db: Db
  readonly findUser?: FindUser
  /** Resolved domain data kept between requests; absent = always ask the database. */
  readonly cache?: DomainCache
}

export type Resolution =
  | { readonly kind: 'found'; readonly config: DomainConfig; readonly user: UserIdentity | null }
  | { readonly kind: 'unknown-domain' }
  /** The domain has a directory, and it could not be asked (down, refused the bind, timed out). */
  | { readonly kind: 'directory-unavailable'; readonly cause: string }

async function findConfig(deps: LookupDeps, domain: string): Promise<DomainConfig | null> {
  const cached = deps.cache?.get(domain)
  if (cached !== undefined) return cached
  const config = await findDomainConfig(deps.db, domain)
  deps.cache?.set(domain, config)
  return config
}

export async function resolveAccount(deps: LookupDeps, domain: string, who: EmailAddress | null): Promise<Resolution> {
  const config = await findConfig(deps, domain)
  if (!config) return { kind: 'unknown-domain' }
  if (!config.ldap || !who || !deps.findUser) return { kind: 'found', config, user: null }
  try {
    return { kind: 'found', config, user: await deps.findUser(config.ldap, who) }
  } catch (error) {
    return { kind: 'directory-unavailable', cause: error instanceof Error ? error.message : String(error) }
  }
}
