/** Server selection rules shared by the renderers. */
import type { MailServer, ServerType } from './model'

const isEncrypted = (server: MailServer) => server.socketType !== 'plain'

/**
 * Drops plain-text entries of a server type that also has an encrypted entry. Quirk(Thunderbird
 * for Android): one `plain` imap/smtp entry rejects the whole autoconfig file (protocols.md §0
 * item 5), and a client that picks the last entry (FairEmail, Evolution; §0 item 6) could land on it.
 */
export function preferEncrypted(servers: readonly MailServer[]): MailServer[] {
  const encryptedTypes = new Set<ServerType>(servers.filter(isEncrypted).map((s) => s.type))
  return servers.filter((s) => isEncrypted(s) || !encryptedTypes.has(s.type))
}
