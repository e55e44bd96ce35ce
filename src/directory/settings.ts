/**
 * Settings of the directory client that come from the Worker's environment: the timeout
 * (`LDAP_TIMEOUT_MS`) and bind passwords kept as Worker secrets (`env:NAME` in the database).
 */
import { fail, ok, type Result } from '../core/result'

export const DEFAULT_LDAP_TIMEOUT_MS = 3_000
const MAX_LDAP_TIMEOUT_MS = 30_000

/** Prefix of a stored bind password that names a Worker secret instead of holding the password. */
const SECRET_PREFIX = 'env:'
/**
 * Only secrets named LDAP_… can be referenced, so a seed document cannot make the Worker send
 * another secret (ADMIN_TOKEN, signing keys) to a directory host the document chose.
 */
const SECRET_NAME = /^LDAP_[A-Z0-9_]+$/

/**
 * `LDAP_TIMEOUT_MS`: milliseconds for the connect and for each LDAP operation (bind, search).
 * Unset, empty or not a whole number from 1 to 30000 → the 3 s default.
 */
export function parseLdapTimeout(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return DEFAULT_LDAP_TIMEOUT_MS
  const ms = Number(value.trim())
  return ms >= 1 && ms <= MAX_LDAP_TIMEOUT_MS ? ms : DEFAULT_LDAP_TIMEOUT_MS
}

export type BindPasswordError = 'invalid-secret-name' | 'missing-secret'

export const BIND_PASSWORD_ERROR_MESSAGES: Record<BindPasswordError, string> = {
  'invalid-secret-name': 'bind_password env: reference must name a secret LDAP_[A-Z0-9_]+',
  'missing-secret': 'bind_password refers to a Worker secret that is not set',
}

/**
 * The password to bind with: the stored value itself (automx2 compatible), or, for `env:NAME`,
 * the Worker secret NAME. `readSecret` returns undefined for an unset secret.
 */
export function resolveBindPassword(
  stored: string | null,
  readSecret: (name: string) => string | undefined,
): Result<string, BindPasswordError> {
  if (stored === null) return ok('')
  if (!stored.startsWith(SECRET_PREFIX)) return ok(stored)
  const name = stored.slice(SECRET_PREFIX.length)
  if (!SECRET_NAME.test(name)) return fail('invalid-secret-name')
  const secret = readSecret(name)
  return secret === undefined || secret === '' ? fail('missing-secret') : ok(secret)
}

/** Reads a string binding by name from the Worker's env (secrets are string bindings). */
export function readStringBinding(env: object, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name)
  return typeof value === 'string' ? value : undefined
}
