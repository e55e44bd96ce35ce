/**
 * Mozilla Autoconfig `config-v1.1.xml`. Spec: the 1.1 format and draft-ietf-mailmaint-autoconfig;
 * the client rules it follows are docs/clients.md §1.3–1.9 (Thunderbird, Thunderbird for Android,
 * FairEmail, Evolution, Delta Chat, KDE). Maps a resolved account; chooses nothing itself.
 */
import type { AccountDavServer, AccountServer, ResolvedAccount } from '../../core/account'
import type { Authentication, ServerType } from '../../core/model'
import { xml, xmlDocument, type XmlFragment } from '../../markup/xml'

const SERVER_TYPE: Record<ServerType, string> = { imap: 'imap', pop: 'pop3', smtp: 'smtp' }

/**
 * Modern names first (§1.4: Thunderbird for Android ignores the deprecated `plain`/`secure`).
 * Quirk(Thunderbird): OAuth2 is only accepted for hosts it knows, so a password fallback always
 * follows it (§5.11).
 */
const AUTHENTICATION: Record<Authentication, readonly string[]> = {
  plain: ['password-cleartext'],
  secure: ['password-encrypted'],
  NTLM: ['NTLM'],
  OAuth2: ['OAuth2', 'password-cleartext'],
  none: ['none'],
}

function serverElement(element: 'incomingServer' | 'outgoingServer', server: AccountServer): XmlFragment {
  // Usernames stay templates: Autoconfig clients substitute the placeholders themselves (§1.4),
  // and a directory's login name, when there is one, is already in the template.
  const fields = xml`
      <hostname>${server.hostname}</hostname>
      <port>${server.port}</port>
      <socketType>${server.socketType}</socketType>
      <username>${server.usernameTemplate}</username>${AUTHENTICATION[server.authentication].map(
        (value) => xml`
      <authentication>${value}</authentication>`,
      )}`
  return element === 'incomingServer'
    ? xml`
    <incomingServer type="${SERVER_TYPE[server.type]}">${fields}
    </incomingServer>`
    : xml`
    <outgoingServer type="${SERVER_TYPE[server.type]}">${fields}
    </outgoingServer>`
}

function davElement(dav: AccountDavServer): XmlFragment {
  const fields = xml`
    <username>${dav.usernameTemplate}</username>
    <authentication>http-basic</authentication>
    <serverURL>${dav.urlTemplate}</serverURL>`
  return dav.type === 'caldav'
    ? xml`
  <calendar type="caldav">${fields}
  </calendar>`
    : xml`
  <addressBook type="carddav">${fields}
  </addressBook>`
}

/**
 * Clients disagree on which entry of a type counts: Thunderbird, Thunderbird for Android, Delta Chat
 * and KDE keep the first, Evolution and FairEmail the last (docs/clients.md §1.7). The preferred
 * server of each type that has alternatives is therefore listed once more after the others, so both
 * readings end on it (§5.10); first-wins clients see the repeat as one more alternative.
 */
export function preferredAlsoLast(servers: readonly AccountServer[]): AccountServer[] {
  const preferred = new Map<ServerType, AccountServer>()
  const alternatives = new Set<ServerType>()
  for (const server of servers) {
    if (preferred.has(server.type)) alternatives.add(server.type)
    else preferred.set(server.type, server)
  }
  return [...servers, ...[...preferred.values()].filter((server) => alternatives.has(server.type))]
}

export function renderAutoconfig(account: ResolvedAccount): string {
  const incoming = preferredAlsoLast(account.servers.filter((s) => s.type !== 'smtp'))
  const outgoing = preferredAlsoLast(account.servers.filter((s) => s.type === 'smtp'))
  const { provider } = account
  // §1.5: emailProvider@id must be a host name; the provider's first domain always is one.
  const providerId = provider.domains[0] ?? account.domain
  const root = xml`<clientConfig version="1.1">
  <emailProvider id="${providerId}">${provider.domains.map(
    (name) => xml`
    <domain>${name}</domain>`,
  )}
    <displayName>${provider.name}</displayName>
    <displayShortName>${provider.shortName}</displayShortName>${incoming.map((s) => serverElement('incomingServer', s))}${outgoing.map((s) =>
      serverElement('outgoingServer', s),
    )}
  </emailProvider>${account.davServers.map(davElement)}
</clientConfig>`
  return xmlDocument(root)
}
