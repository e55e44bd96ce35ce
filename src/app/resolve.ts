/**
 * Resolving accounts from inside a request: the database and domain cache of the request, and a
 * directory client made only when a lookup needs one. Also the one place that records the domain a
 * request was about, for its log line.
 */
import type { Context } from 'hono'
import type { EmailAddress } from '../core/model'
import { resolveAccount, resolveDocument, type ResolveDeps, type ResolveRequest } from '../core/resolve'
import type { ResolvedAccount } from '../core/account'
import { DomainCaches, type DomainCache, type RenderedDocument } from '../db/domain-cache'
import { cacheKeyOf } from '../db/client'
import type { Database } from '../db/database'
import type { FindUser } from '../core/resolve'
import type { FindUserOptions } from '../directory/client'
import { allowsPrivateDirectories, parseGateLimits, parseLdapTimeout, readStringBinding } from '../directory/settings'
import type { AppEnv } from './env'

// One cache per database per isolate (Workers) or process (Node), shared by every app instance on
// that database: an admin write served by one of them clears it for all (admin/auth.ts).
const caches = new DomainCaches()

/** The domain cache of a database, for a `CONFIG_CACHE_TTL_SECONDS` setting. */
export function domainCacheFor(database: Database, ttlSetting: string | undefined): DomainCache {
  // Per-request handles (Hyperdrive) register the binding they stand for (db/client.ts cacheKeyOf).
  return caches.forDatabase(cacheKeyOf(database.reads), ttlSetting)
}

/** The domain cache of the request's database. */
export function domainCacheOf(c: Context<AppEnv>): DomainCache {
  return domainCacheFor(c.get('database'), c.env.CONFIG_CACHE_TTL_SECONDS)
}

/**
 * The directory client, imported on the first lookup: ldapts (and the node:net/node:tls it needs)
 * then stays out of start-up evaluation, which most isolates, serving domains without a directory,
 * never need (bench/README.md "Start-up").
 */
function lazyFindUser(options: FindUserOptions): FindUser {
  return async (ldap, who) => (await import('../directory/client')).createFindUser(options)(ldap, who)
}

function depsOf(c: Context<AppEnv>, domain: string): ResolveDeps {
  c.set('domain', domain)
  return {
    db: c.get('database').reads,
    cache: domainCacheOf(c),
    // Settings are read and the client made only for a lookup (a directory domain, a named user).
    directory: () =>
      lazyFindUser({
        timeoutMs: parseLdapTimeout(c.env.LDAP_TIMEOUT_MS),
        readSecret: (name) => readStringBinding(c.env, name),
        logger: c.var.log,
        limits: parseGateLimits(c.env),
        allowPrivate: allowsPrivateDirectories(c.env),
        ...(c.var.resolveHost ? { resolveHost: c.var.resolveHost } : {}),
        signal: c.req.raw.signal,
      }),
  }
}

export function resolveForRequest<W extends EmailAddress | null>(c: Context<AppEnv>, request: ResolveRequest<W>) {
  return resolveAccount(depsOf(c, request.domain), request)
}

/** core/resolve.ts resolveDocument for this request: rendered once per cached domain unless per user. */
export function resolveDocumentForRequest<W extends EmailAddress | null>(
  c: Context<AppEnv>,
  request: Omit<ResolveRequest<W>, 'typedName'>,
  key: string,
  render: (account: ResolvedAccount) => RenderedDocument,
) {
  return resolveDocument(depsOf(c, request.domain), request, key, render)
}
