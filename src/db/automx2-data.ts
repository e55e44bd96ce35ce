/**
 * Reading what automx2 wrote. A database that automx2 created and filled (PostgreSQL, MySQL, or its
 * SQLite file) holds data looser than this service's own rules, which its admin API and CHECK
 * constraints enforce on every write here. Config requests read such rows tolerantly:
 *
 * | stored by automx2                         | read as                                          |
 * |-------------------------------------------|--------------------------------------------------|
 * | domain names in any letter case           | lowercase (and found by the lowercase name)      |
 * | `type` in any case, `pop3`                | `imap`, `pop`, `smtp`; another value: server left out |
 * | `socket_type` in any case; `TLS`          | `SSL`, `STARTTLS`, `plain`; `TLS` (implicit TLS) as `SSL`; another: server left out |
 * | `authentication` in any case, Autoconfig's `password-cleartext` / `password-encrypted` | `plain`, `secure`, `NTLM`, `OAuth2`, `none`; another: server left out |
 * | empty or NULL `user_name`                 | `%EMAILADDRESS%` (automx2's default)             |
 * | empty optional text (`attr_cn`, bind user and password, brand URLs) | absent (NULL)          |
 * | `davserver.port` 0 (automx2's default)    | the URL's port, else 443 or 80                   |
 *
 * A server left out is one no client could be told about correctly; the others still serve.
 */
import { AUTHENTICATIONS, SERVER_TYPES, SOCKET_TYPES } from '../../schema/schema'
import type { Authentication, ServerType, SocketType } from '../core/model'

const lookup = <T extends string>(values: readonly T[], aliases: Readonly<Record<string, T>> = {}) => {
  const known = new Map<string, T>(values.map((v) => [v.toLowerCase(), v]))
  for (const [alias, value] of Object.entries(aliases)) known.set(alias, value)
  return (stored: unknown): T | null => (typeof stored === 'string' ? (known.get(stored.trim().toLowerCase()) ?? null) : null)
}

export const serverTypeOf: (stored: unknown) => ServerType | null = lookup(SERVER_TYPES, { pop3: 'pop' })
export const socketTypeOf: (stored: unknown) => SocketType | null = lookup(SOCKET_TYPES, { tls: 'SSL' })
export const authenticationOf: (stored: unknown) => Authentication | null = lookup(AUTHENTICATIONS, {
  'password-cleartext': 'plain',
  'password-encrypted': 'secure',
})

/** automx2's placeholder default for login names. */
export const DEFAULT_USER_NAME = '%EMAILADDRESS%'

/** Text that may be empty where this service stores NULL. */
export const textOrNull = (stored: string | null | undefined): string | null => (stored === null || stored === undefined || stored.trim() === '' ? null : stored)

export const userNameOf = (stored: string | null | undefined): string => textOrNull(stored) ?? DEFAULT_USER_NAME

/** A DAV server's port: automx2 stores 0 when none was given. */
export function davPortOf(stored: number, url: string): number {
  if (stored > 0) return stored
  const parsed = URL.canParse(url) ? new URL(url) : null
  return parsed?.port ? Number(parsed.port) : parsed?.protocol === 'http:' ? 80 : 443
}
