/**
 * Resolve: from a mail domain (and the user's address, when known) to everything a renderer
 * needs. One database round trip; plus a directory lookup when the domain has an LDAP server and
 * a directory is configured.
 */
import { findDomainConfig } from './db/queries'
import type { Db } from './db/client'
import type { DomainConfig, EmailAddress, LdapServer, UserIdentity } from './model'

/** Looks one user up in a domain's directory; null when the directory has no such entry. */
export type FindUser = (ldap: LdapServer, who: EmailAddress) => Promise<UserIdentity | null>

export interface LookupDeps {
  readonly db: Db
  readonly findUser?: FindUser
}

export type Resolution =
  | { readonly kind: 'found'; readonly config: DomainConfig; readonly user: UserIdentity | null }
  | { readonly kind: 'unknown-domain' }
  /** The domain has a directory, and it could not be asked (down, refused the bind, timed out). */
  | { readonly kind: 'directory-unavailable'; readonly cause: string }

export async function resolveAccount(deps: LookupDeps, domain: string, who: EmailAddress | null): Promise<Resolution> {
  const config = await findDomainConfig(deps.db, domain)
  if (!config) return { kind: 'unknown-domain' }
  if (!config.ldap || !who || !deps.findUser) return { kind: 'found', config, user: null }
  try {
    return { kind: 'found', config, user: await deps.findUser(config.ldap, who) }
  } catch (error) {
    return { kind: 'directory-unavailable', cause: error instanceof Error ? error.message : String(error) }
  }
}
