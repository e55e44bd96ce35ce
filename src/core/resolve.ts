/**
 * Resolve: from a mail domain (and the user, when the request names one) to the resolved account.
 * One database round trip, none when the domain cache holds the domain; plus a directory lookup when
 * the domain has an LDAP server and the request names a user. An unknown domain is `null`; an outage
 * of the database or the directory is thrown (core/outage.ts) for the protocol router to answer.
 */
import { RenderedDocuments, type CachedDomain, type DomainCache, type RenderedDocument } from '../db/domain-cache'
import { findDomainConfig } from '../db/domain-query'
import type { Db } from '../db/client'
import { dependsOnUser, toAccount, type ResolvedAccount } from './account'
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

async function findDomain(deps: ResolveDeps, domain: string): Promise<CachedDomain> {
  const cached = deps.cache?.entry(domain)
  if (cached !== undefined) return cached
  const config = await findDomainConfig(deps.db, domain)
  return deps.cache?.set(domain, config) ?? { config, documents: new RenderedDocuments() }
}

export async function resolveAccount<W extends EmailAddress | null>(
  deps: ResolveDeps,
  request: ResolveRequest<W>,
): Promise<(ResolvedAccount & { readonly who: W }) | null> {
  const { config } = await findDomain(deps, request.domain)
  return config ? accountOf(deps, config, request) : null
}

async function accountOf<W extends EmailAddress | null>(deps: ResolveDeps, config: DomainConfig, request: ResolveRequest<W>) {
  const { who } = request
  const identity = config.ldap && who && deps.directory ? await deps.directory()(config.ldap, who) : null
  return toAccount({ config, who, identity, typedName: request.typedName ?? null })
}

/** A document for a request, and whether it is that user's own (then `no-store`, §5.6). */
export interface ResolvedDocument extends RenderedDocument {
  readonly perUser: boolean
}

/**
 * Resolves and renders. Unless the answer depends on the user (a directory, §5.6), the document is
 * rendered from the domain's account without a user (`who: null`: the placeholders as stored), so
 * nothing of one user can reach another, once per domain cache entry and kept with it
 * (db/domain-cache.ts): a repeated request costs neither the account nor the rendering, and an admin
 * write, which clears the cache, drops the document with the data. `key` names the format and
 * anything else the document depends on (the Host a URL is built from). Null for an unknown domain.
 */
export async function resolveDocument<W extends EmailAddress | null>(
  deps: ResolveDeps,
  // No typed name: it would be in the document, and is the user's own.
  request: Omit<ResolveRequest<W>, 'typedName'>,
  key: string,
  render: (account: ResolvedAccount) => RenderedDocument,
): Promise<ResolvedDocument | null> {
  const { config, documents } = await findDomain(deps, request.domain)
  if (!config) return null
  if (dependsOnUser(config, request.who)) return { ...render(await accountOf(deps, config, request)), perUser: true }
  return { ...sharedDocument(config, documents, key, render), perUser: false }
}

/** The document every user of the domain gets, rendered once per cache entry. */
function sharedDocument(config: DomainConfig, documents: RenderedDocuments, key: string, render: (account: ResolvedAccount) => RenderedDocument): RenderedDocument {
  return documents.get(key, () => render(toAccount({ config, who: null, identity: null })))
}

/**
 * What resolveDocument answers when the domain cache alone can answer: a known domain whose
 * document holds nothing per user. Undefined when resolving would need more (the domain is not
 * cached, is unknown, or has a directory and the request names a user): the caller then goes the
 * whole way (app/warm-answers.ts).
 */
export function cachedDocument(
  cache: DomainCache,
  request: Omit<ResolveRequest<EmailAddress | null>, 'typedName'>,
  key: string,
  render: (account: ResolvedAccount) => RenderedDocument,
): RenderedDocument | undefined {
  const entry = cache.entry(request.domain)
  if (!entry?.config || dependsOnUser(entry.config, request.who)) return undefined
  return sharedDocument(entry.config, entry.documents, key, render)
}
