/**
 * Directory lookup (LDAP, RFC 4511) of one user's login name and display name, from inside the
 * Worker: ldapts over `node:net` / `node:tls` (nodejs_compat). One short-lived connection per
 * lookup: connect → bind → search (at most one entry) → unbind, each step under a timeout.
 *
 * `createFindUser(options)` returns the `FindUser` that resolveAccount (core/resolve.ts) calls:
 * - resolves to `{ loginName, displayName }` from the first entry's `attr_uid` / `attr_cn`
 *   (a missing or empty attribute is null, so renderers fall back to their placeholders);
 * - resolves to `null` when the search finds no entry (logged at info, without the address);
 * - throws `DirectoryError` when the directory cannot be asked: unreachable, TLS failure, bind
 *   refused, timeout, a bad search base or filter, an unset `env:` secret (logged at error,
 *   with the stage and the cause, never the password or the address).
 */
import { Client, type Entry } from 'ldapts'
import { BIND_PASSWORD_ERROR_MESSAGES, resolveBindPassword } from './settings'
import { escapeFilterValue, fillSearchFilter } from './filter'
import type { Logger } from '../app/log'
import { ServiceUnavailableError } from '../core/outage'
import type { FindUser } from '../core/resolve'
import type { EmailAddress, LdapServer, UserIdentity } from '../core/model'

export type DirectoryStage = 'config' | 'connect' | 'bind' | 'search'

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
  const { timeoutMs, readSecret, logger } = options
  return async function findUser(ldap: LdapServer, who: EmailAddress): Promise<UserIdentity | null> {
    const logFields = { ldapserver_id: ldap.id, host: ldap.host, port: ldap.port, domain: who.domain }
    const fail = (stage: DirectoryStage, reason: string): never => {
      const error = new DirectoryError(stage, reason)
      logger.log('error', 'directory unavailable', { ...logFields, stage, cause: reason })
      throw error
    }
    const password = resolveBindPassword(ldap.bindPassword, readSecret)
    if (!password.ok) return fail('config', BIND_PASSWORD_ERROR_MESSAGES[password.error])

    let client: Client
    try {
      client = new Client({ url: ldapUrl(ldap), connectTimeout: timeoutMs, timeout: timeoutMs })
    } catch (error) {
      // A host the URL parser refuses (a row written by hand): the directory cannot be asked.
      return fail('config', describeError(error, who))
    }
    let stage: DirectoryStage = ldap.bindUser ? 'bind' : 'search'
    try {
      // Anonymous when the row names no bind user (automx2 behaviour).
      if (ldap.bindUser) await client.bind(ldap.bindUser, password.value)
      stage = 'search'
      const { searchEntries } = await client.search(ldap.searchBase, {
        scope: 'sub',
        filter: fillSearchFilter(ldap.searchFilter, who.address),
        attributes: [ldap.attrUid, ...(ldap.attrCn ? [ldap.attrCn] : [])],
        // The first entry is used; asking for one keeps a broad filter cheap for the server,
        // and ldapts accepts the sizeLimitExceeded result that a second match causes.
        sizeLimit: 1,
        timeLimit: Math.max(1, Math.ceil(timeoutMs / 1000)),
      })
      const entry = searchEntries[0]
      if (!entry) {
        // Not found answers like a domain without a directory, so responses do not reveal
        // which addresses exist; the log line leaves the local part out for the same reason.
        logger.log('info', 'directory has no entry for the address', logFields)
        return null
      }
      return toUserIdentity(entry, ldap)
    } catch (error) {
      const cause = describeError(error, who)
      return fail(CONNECT_FAILURE.test(cause) ? 'connect' : stage, cause)
    } finally {
      await client.unbind().catch(() => undefined)
    }
  }
}
