/**
 * Resolve: from a mail domain (and the user, when the request names one) to the resolved account.
 * One database round trip, none when the domain cache holds the domain; plus a directory lookup when
 * the domain has an LDAP server and the request names a user. An unknown domain is `null`; an outage
 * of the database or the directory is thrown (core/outage.ts) for the protocol router to answer.
 */
import type { DomainCache } from '../db/domain-cache'
import { findDomainConfig } from '../db/domain-query'
import type { Db } from '../db/client'
import { toAccount, type ResolvedAccount } from './account'
import type { DomainConfig, EmailAddress, LdapServer, UserIdentity } from './model'

/** Looks one user up in a domain's directory; null when it has no such entry. Throws on an outage. */
export type FindUser = (ldap: LdapServer, who: EmailAddress) => Promise<UserIdentity | null>

export interface ResolveDeps {
  readonly db: Db
  /** Resolved domain data kept between requests; absent = always ask the database. */
  readonly cache?: DomainCache
  /** The directory client, made only when a lookup needs it. */
  readonly directory?: () => FindUser
}

export interface ResolveRequest<W extends EmailAddress | null> {
  readonly domain: string
  readonly who: W
  /** The name the user typed, if the protocol takes one. */
  readonly typedName?: string | null
}

async function findConfig(deps: ResolveDeps, domain: string): Promise<DomainConfig | null> {
  const cached = deps.cache?.get(domain)
  if (cached !== undefined) return cached
  const config = await findDomainConfig(deps.db, domain)
  deps.cache?.set(domain, config)
  return config
}

export async function resolveAccount<W extends EmailAddress | null>(
  deps: ResolveDeps,
  request: ResolveRequest<W>,
): Promise<(ResolvedAccount & { readonly who: W }) | null> {
  const config = await findConfig(deps, request.domain)
  if (!config) return null
  const { who } = request
  const identity = config.ldap && who && deps.directory ? await deps.directory()(config.ldap, who) : null
  return toAccount({ config, who, identity, typedName: request.typedName ?? null })
}
