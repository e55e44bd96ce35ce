/**
 * Settings of the directory client that come from the Worker's environment: the timeout
 * (`LDAP_TIMEOUT_MS`), the bounds on directory work (gate.ts), whether private addresses may be
 * dialled (policy.ts), and bind passwords kept as Worker secrets (`env:NAME` in the database).
 */
import { fail, ok, type Result } from '../core/result'
import type { GateLimits } from './gate'

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
  return wholeNumber(value, DEFAULT_LDAP_TIMEOUT_MS, 1, MAX_LDAP_TIMEOUT_MS)
}

/** A whole number from `min` to `max`; unset, empty or anything else → `fallback`. */
function wholeNumber(value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return fallback
  const n = Number(value.trim())
  return n >= min && n <= max ? n : fallback
}

export interface DirectorySettings {
  readonly LDAP_MAX_CONNECTIONS?: string | undefined
  readonly LDAP_QUEUE_MS?: string | undefined
  readonly LDAP_CIRCUIT_SECONDS?: string | undefined
  readonly LDAP_CIRCUIT_FAILURES?: string | undefined
  readonly LDAP_ALLOW_PRIVATE?: string | undefined
}

/**
 * The bounds of gate.ts: `LDAP_MAX_CONNECTIONS` per directory (default 8, at most 100),
 * `LDAP_QUEUE_MS` a lookup may wait for one (default 1000, 0 to 10000; up to 4 × the
 * connections wait), `LDAP_CIRCUIT_SECONDS` a failing directory is left alone (default 30,
 * 1 to 3600) after `LDAP_CIRCUIT_FAILURES` failed lookups in a row (default 5; 0 turns the
 * circuit off).
 */
export function parseGateLimits(env: DirectorySettings): GateLimits {
  const maxConcurrent = wholeNumber(env.LDAP_MAX_CONNECTIONS, 8, 1, 100)
  return {
    maxConcurrent,
    maxWaiting: 4 * maxConcurrent,
    queueMs: wholeNumber(env.LDAP_QUEUE_MS, 1_000, 0, 10_000),
    failuresToOpen: wholeNumber(env.LDAP_CIRCUIT_FAILURES, 5, 0, 1_000) || Number.POSITIVE_INFINITY,
    openMs: wholeNumber(env.LDAP_CIRCUIT_SECONDS, 30, 1, 3_600) * 1000,
  }
}

/** `LDAP_ALLOW_PRIVATE=true`: directories on loopback, link-local and private addresses may be dialled. */
export function allowsPrivateDirectories(env: DirectorySettings): boolean {
  return env.LDAP_ALLOW_PRIVATE?.trim().toLowerCase() === 'true'
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
