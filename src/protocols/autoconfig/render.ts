/**
 * Mozilla Autoconfig `config-v1.1.xml`. Spec: the 1.1 format and draft-ietf-mailmaint-autoconfig;
 * the client rules it follows are protocols.md §0 and §1.4–1.8 (Thunderbird, Thunderbird for
 * Android/K-9, FairEmail, Evolution).
 */
import type { Authentication, DavServer, DomainConfig, MailServer, ServerType, UserIdentity } from '../../core/model'
import { preferEncrypted } from '../../core/server-choice'
import { xml, xmlDocument, type XmlFragment } from '../../markup/xml'

const SERVER_TYPE: Record<ServerType, string> = { imap: 'imap', pop: 'pop3', smtp: 'smtp' }

/**
 * Modern names first (§1.4 table: Thunderbird for Android ignores the deprecated `plain`/`secure`).
 * Quirk(Thunderbird): OAuth2 is only accepted for hosts it knows, so a password fallback always
 * follows it (§0 item 7, §5 "OAuth2").
 */
const AUTHENTICATION: Record<Authentication, readonly string[]> = {
  plain: ['password-cleartext'],
  secure: ['password-encrypted'],
  NTLM: ['NTLM'],
  OAuth2: ['OAuth2', 'password-cleartext'],
  none: ['none'],
}

function serverElement(element: 'incomingServer' | 'outgoingServer', server: MailServer, username: string): XmlFragment {
  const fields = xml`
      <hostname>${server.hostname}</hostname>
      <port>${server.port}</port>
      <socketType>${server.socketType}</socketType>
      <username>${username}</username>${AUTHENTICATION[server.authentication].map(
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

function renderDavServer(dav: DavServer, username: string): XmlFragment {
  const fields = xml`
    <username>${username}</username>
    <authentication>http-basic</authentication>
    <serverURL>${dav.url}</serverURL>`
  return dav.type === 'caldav'
    ? xml`
  <calendar type="caldav">${fields}
  </calendar>`
    : xml`
  <addressBook type="carddav">${fields}
  </addressBook>`
}

/**
 * `user` carries what a directory lookup found (LDAP); without it usernames stay placeholders for
 * the client to expand (§1.4 "Placeholders").
 */
export function renderAutoconfig(config: DomainConfig, user: UserIdentity | null): string {
  const usernameFor = (template: string) => user?.loginName ?? template
  const servers = preferEncrypted(config.servers)
  const incoming = servers.filter((s) => s.type !== 'smtp')
  const outgoing = servers.filter((s) => s.type === 'smtp')
  const { provider } = config
  // §1.5: emailProvider@id must be a host name; the provider's first domain always is one.
  const providerId = provider.domains[0] ?? config.domain
  const root = xml`<clientConfig version="1.1">
  <emailProvider id="${providerId}">${provider.domains.map(
    (name) => xml`
    <domain>${name}</domain>`,
  )}
    <displayName>${provider.name}</displayName>
    <displayShortName>${provider.shortName}</displayShortName>${incoming.map((s) =>
      serverElement('incomingServer', s, usernameFor(s.username)),
    )}${outgoing.map((s) => serverElement('outgoingServer', s, usernameFor(s.username)))}
  </emailProvider>${config.davServers.map((d) => renderDavServer(d, usernameFor(d.username)))}
</clientConfig>`
  return xmlDocument(root)
}
