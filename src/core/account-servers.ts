/**
 * One incoming and one outgoing server for formats (and people) that take exactly one of each: the
 * Apple profile holds one of each per account (protocols.md §3.3), and the landing page shows the
 * same pair as manual settings, so what a user reads matches what the profile installs.
 */
import type { MailServer } from './model'
import { fail, ok, type Result } from './result'

export interface AccountServers {
  readonly incoming: MailServer
  readonly outgoing: MailServer
}

export type MissingServer = 'incoming' | 'outgoing'

const encryptedFirst = (s: MailServer) => (s.socketType === 'plain' ? 1 : 0)
const imapFirst = (s: MailServer) => (s.type === 'imap' ? 0 : 1)

/**
 * §3.3 (automx2's rule): IMAP over POP, encrypted over plain, then priority (lower first). Ties
 * keep the given order (the sort is stable; db/queries.ts lists servers in creation order).
 */
export function chooseAccountServers(servers: readonly MailServer[]): Result<AccountServers, MissingServer> {
  const incoming = servers
    .filter((s) => s.type !== 'smtp')
    .sort((a, b) => imapFirst(a) - imapFirst(b) || encryptedFirst(a) - encryptedFirst(b) || a.prio - b.prio)[0]
  if (!incoming) return fail('incoming')
  const outgoing = servers
    .filter((s) => s.type === 'smtp')
    .sort((a, b) => encryptedFirst(a) - encryptedFirst(b) || a.prio - b.prio)[0]
  if (!outgoing) return fail('outgoing')
  return ok({ incoming, outgoing })
}
