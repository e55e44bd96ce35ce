/**
 * Directory lookup (LDAP, RFC 4511) of one user's login name and display name, from inside the
 * Worker: ldapts over `node:net` / `node:tls` (nodejs_compat). One short-lived connection per
 * lookup: connect → bind → search (at most one entry) → unbind, each step under a timeout.
 *
 * Every lookup passes the host policy (policy.ts) and the directory's gate (gate.ts), which bound
 * what anonymous requests can make a directory, or the service, do.
 *
 * `createFindUser(options)` returns the `FindUser` that resolveAccount (core/resolve.ts) calls:
 * - resolves to `{ loginName, displayName }` from the first entry's `attr_uid` / `attr_cn`
 *   (a missing or empty attribute is null, so renderers fall back to their placeholders);
 * - resolves to `null` when the search finds no entry (logged at info, without the address);
 * - throws `DirectoryError` when the directory cannot be asked: unreachable, TLS failure, bind
 *   refused, timeout, a bad search base or filter, an unset `env:` secret, a host the policy
 *   refuses, a full queue or an open circuit, a request that went away (logged at error, with
 *   the stage and the cause, never the password or the address).
 */
import { Client, type Entry } from 'ldapts'
import { escapeFilterValue, fillSearchFilter } from './filter'
import { gateFor, GateRefusal, type GateLimits } from './gate'
import { refusedHost, type ResolveHost } from './policy'
import { BIND_PASSWORD_ERROR_MESSAGES, resolveBindPassword } from './settings'
import type { Logger } from '../app/log'
import { ServiceUnavailableError } from '../core/outage'
import type { FindUser } from '../core/resolve'
import type { EmailAddress, LdapServer, UserIdentity } from '../core/model'

/**
 * Where a lookup failed: before dialling (`config`, `policy`), waiting for the gate (`queue`,
 * `circuit`, `aborted`), or talking to the directory (`connect`, `bind`, `search`; only these
 * count towards opening the circuit).
 */
export type DirectoryStage = 'config' | 'policy' | 'queue' | 'circuit' | 'aborted' | 'connect' | 'bind' | 'search'

const DIALLED: ReadonlySet<DirectoryStage> = new Set(['connect', 'bind', 'search'])

/** The directory could not be asked. `message` is safe to log: no password, no address. */
export class DirectoryError extends ServiceUnavailableError {
  override readonly name = 'DirectoryError'
  constructor(
    readonly stage: DirectoryStage,
    readonly reason: string,
  ) {
    super('directory', `ldap ${stage} failed: ${reason}`)
  }
}

export interface FindUserOptions {
  /** Milliseconds for the connect and for each operation (bind, search); see directory/settings.ts. */
  readonly timeoutMs: number
  /** Reads a Worker secret for an `env:NAME` bind password; undefined when unset. */
  readonly readSecret: (name: string) => string | undefined
  readonly logger: Logger
  /** The bounds on concurrent lookups and failing directories (settings.ts parseGateLimits). */
  readonly limits: GateLimits
  /** `LDAP_ALLOW_PRIVATE`: whether non-public addresses may be dialled (policy.ts). */
  readonly allowPrivate: boolean
  /** Resolves host names for the policy, where the runtime can (the Node server). */
  readonly resolveHost?: ResolveHost
  /** The request's signal: a lookup for a request that went away stops. */
  readonly signal?: AbortSignal
}

function ldapUrl(ldap: LdapServer): string {
  const host = ldap.host.includes(':') ? `[${ldap.host}]` : ldap.host
  return `${ldap.useSsl ? 'ldaps' : 'ldap'}://${host}:${ldap.port}`
}

/** The first non-empty string value of an attribute, matching its name case-insensitively. */
function firstValue(entry: Entry, attribute: string | null): string | null {
  if (!attribute) return null
  const wanted = attribute.toLowerCase()
  const key = Object.keys(entry).find((name) => name.toLowerCase() === wanted && name !== 'dn')
  const raw: unknown = key === undefined ? undefined : entry[key]
  const values: unknown[] = Array.isArray(raw) ? raw : [raw]
  const text = values.find((value): value is string => typeof value === 'string' && value.trim() !== '')
  return text?.trim() ?? null
}

function toUserIdentity(entry: Entry, ldap: LdapServer): UserIdentity {
  return { loginName: firstValue(entry, ldap.attrUid), displayName: firstValue(entry, ldap.attrCn) }
}

/**
 * Removes the address from an error message before it is logged: ldapts puts the whole filter
 * into a filter parse error, and servers may echo it in diagnostics.
 */
function redact(message: string, who: EmailAddress): string {
  let safe = message
  for (const secret of [escapeFilterValue(who.address), who.address]) safe = safe.split(secret).join('<address>')
  return safe.replace(/\s+/g, ' ').trim() || 'unknown error'
}

function describeError(error: unknown, who: EmailAddress): string {
  if (error instanceof Error) return redact(`${error.name}: ${error.message}`, who)
  return redact(String(error), who)
}

// ldapts connects inside the first operation, so a connect failure surfaces from bind/search;
// these are the messages of Node/workerd sockets and of ldapts's connect timer.
const CONNECT_FAILURE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|Connection timeout|cannot connect/i

export function createFindUser(options: FindUserOptions): FindUser {
  const { timeoutMs, readSecret, logger, limits, signal } = options
  /** Logs why `ldap` could not be asked (a request that went away is no error) and throws. */
  const failing =
    (ldap: LdapServer, who: EmailAddress) =>
    (stage: DirectoryStage, reason: string): never => {
      const fields = { ldapserver_id: ldap.id, host: ldap.host, port: ldap.port, domain: who.domain, stage, cause: reason }
      logger.log(stage === 'aborted' ? 'info' : 'error', 'directory unavailable', fields)
      throw new DirectoryError(stage, reason)
    }

  return async function findUser(ldap: LdapServer, who: EmailAddress): Promise<UserIdentity | null> {
    const fail = failing(ldap, who)
    const password = resolveBindPassword(ldap.bindPassword, readSecret)
    if (!password.ok) return fail('config', BIND_PASSWORD_ERROR_MESSAGES[password.error])
    if (!options.allowPrivate) {
      const refusal = await refusedHost(ldap.host, options.resolveHost)
      if (refusal !== null) return fail('policy', `${refusal} (set LDAP_ALLOW_PRIVATE=true to allow it)`)
    }
    const gate = gateFor(`${ldap.useSsl ? 'ldaps' : 'ldap'}://${ldap.host}:${ldap.port}`, limits)
    try {
      return await gate.run(
        () => lookup(ldap, who, password.value),
        (error) => error instanceof DirectoryError && DIALLED.has(error.stage),
        signal,
      )
    } catch (error) {
      if (error instanceof GateRefusal) return fail(error.stage, error.message)
      throw error
    }
  }

  /** One connection: bind, search, unbind. Throws DirectoryError (logged) when the directory cannot be asked. */
  async function lookup(ldap: LdapServer, who: EmailAddress, password: string): Promise<UserIdentity | null> {
    const fail = failing(ldap, who)
    let client: Client
    try {
      client = new Client({ url: ldapUrl(ldap), connectTimeout: timeoutMs, timeout: timeoutMs })
    } catch (error) {
      // A host the URL parser refuses (a row written by hand): the directory cannot be asked.
      return fail('config', describeError(error, who))
    }
    // A request that goes away closes the connection and stops waiting for it at once (a socket
    // destroyed while connecting may never settle the operation that opened it).
    let hangUp: () => void = () => {}
    const abandoned = new Promise<never>((_, reject) => {
      hangUp = () => {
        void client.unbind().catch(() => undefined)
        reject(new Error('aborted'))
      }
    })
    abandoned.catch(() => undefined)
    if (signal?.aborted) hangUp()
    else signal?.addEventListener('abort', hangUp, { once: true })
    const unlessAbandoned = <T>(operation: Promise<T>) => Promise.race([operation, abandoned])
    let stage: DirectoryStage = ldap.bindUser ? 'bind' : 'search'
    try {
      // Anonymous when the row names no bind user (automx2 behaviour).
      if (ldap.bindUser) await unlessAbandoned(client.bind(ldap.bindUser, password))
      stage = 'search'
      const { searchEntries } = await unlessAbandoned(client.search(ldap.searchBase, {
        scope: 'sub',
        filter: fillSearchFilter(ldap.searchFilter, who.address),
        attributes: [ldap.attrUid, ...(ldap.attrCn ? [ldap.attrCn] : [])],
        // The first entry is used; asking for one keeps a broad filter cheap for the server,
        // and ldapts accepts the sizeLimitExceeded result that a second match causes.
        sizeLimit: 1,
        timeLimit: Math.max(1, Math.ceil(timeoutMs / 1000)),
      }))
      const entry = searchEntries[0]
      if (!entry) {
        // Not found answers like a domain without a directory, so responses do not reveal
        // which addresses exist; the log line leaves the local part out for the same reason.
        logger.log('info', 'directory has no entry for the address', { ldapserver_id: ldap.id, host: ldap.host, port: ldap.port, domain: who.domain })
        return null
      }
      return toUserIdentity(entry, ldap)
    } catch (error) {
      if (signal?.aborted) return fail('aborted', 'the request went away')
      const cause = describeError(error, who)
      return fail(CONNECT_FAILURE.test(cause) ? 'connect' : stage, cause)
    } finally {
      signal?.removeEventListener('abort', hangUp)
      await client.unbind().catch(() => undefined)
    }
  }
}
