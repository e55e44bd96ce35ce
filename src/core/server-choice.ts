/**
 * Which of a domain's mail servers clients are offered. Both rules are written once, here, and the
 * resolved account (core/account.ts) carries their outcome to every format.
 */
import { fail, ok, type Result } from './result'
import type { ServerType, SocketType } from './model'

interface Choosable {
  readonly type: ServerType
  readonly socketType: SocketType
  readonly prio: number
  /** Takes OAuth2 tokens only, no password (core/account.ts). */
  readonly oauth2Only?: boolean
}

const isEncrypted = (server: Choosable) => server.socketType !== 'plain'

/**
 * Drops plain-text entries of a server type that also has an encrypted entry. Thunderbird for
 * Android rejects a whole Autoconfig file for one `plain` imap/smtp entry (docs/clients.md §1.6),
 * and a client that keeps the last entry (§5.10) could land on it.
 */
export function preferEncrypted<S extends Choosable>(servers: readonly S[]): S[] {
  const encryptedTypes = new Set<ServerType>(servers.filter(isEncrypted).map((s) => s.type))
  return servers.filter((s) => isEncrypted(s) || !encryptedTypes.has(s.type))
}

export interface PrimaryServers<S> {
  readonly incoming: S
  readonly outgoing: S
}

/** The side without a usable server; `…-oauth2-only` when its only servers take OAuth2 and no password. */
export type MissingServer = 'incoming' | 'outgoing' | 'incoming-oauth2-only' | 'outgoing-oauth2-only'

/** What a format that needs one of each says when a domain lacks one. */
export function describeMissingServer(domain: string, missing: MissingServer): string {
  if (missing === 'incoming' || missing === 'outgoing') return `${domain} has no ${missing} mail server configured`
  const side = missing === 'incoming-oauth2-only' ? 'incoming' : 'outgoing'
  return `${domain}'s ${side} mail servers take OAuth2 only, which a configuration profile cannot express`
}

const encryptedFirst = (s: Choosable) => (isEncrypted(s) ? 0 : 1)
const imapFirst = (s: Choosable) => (s.type === 'imap' ? 0 : 1)

/**
 * One incoming and one outgoing server, for what holds exactly one of each: an Apple profile
 * (docs/clients.md §3.3) and the landing page, which shows what the profile installs. automx2's
 * rule: IMAP over POP, encrypted over plain, then priority (lower first); ties keep the given
 * order (the sort is stable, and servers arrive in creation order).
 */
export function choosePrimaryServers<S extends Choosable>(servers: readonly S[]): Result<PrimaryServers<S>, MissingServer> {
  // Both users of the choice log in with a password (Apple has no OAuth2 value, §5.11).
  const usable = servers.filter((s) => !s.oauth2Only)
  const incoming = usable
    .filter((s) => s.type !== 'smtp')
    .sort((a, b) => imapFirst(a) - imapFirst(b) || encryptedFirst(a) - encryptedFirst(b) || a.prio - b.prio)[0]
  if (!incoming) return fail(servers.some((s) => s.type !== 'smtp') ? 'incoming-oauth2-only' : 'incoming')
  const outgoing = usable
    .filter((s) => s.type === 'smtp')
    .sort((a, b) => encryptedFirst(a) - encryptedFirst(b) || a.prio - b.prio)[0]
  if (!outgoing) return fail(servers.some((s) => s.type === 'smtp') ? 'outgoing-oauth2-only' : 'outgoing')
  return ok({ incoming, outgoing })
}
