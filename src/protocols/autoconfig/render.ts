/**
 * Mozilla Autoconfig `config-v1.1.xml`, in the form of version 1.2 (draft-ietf-mailmaint-autoconfig-06),
 * which stays readable as 1.1; the client rules it follows are docs/clients.md §1.3–1.9 (Thunderbird,
 * Thunderbird for Android, FairEmail, Evolution, Delta Chat, KDE). Maps a resolved account; chooses
 * nothing itself.
 */
import type { AccountDavServer, AccountServer, AccountSieveServer, AccountUrlServer, ResolvedAccount } from '../../core/account'
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

/** An OAuth2-only server (core/account.ts) lists OAuth2 alone: a password fallback would not work. */
const authenticationValues = (server: { readonly authentication: Authentication; readonly oauth2Only: boolean }) =>
  server.oauth2Only ? ['OAuth2'] : AUTHENTICATION[server.authentication]

/**
 * §1.8: services reached by URL name the HTTP scheme (`system="http"`, `Basic`); OAuth2 goes first
 * when the provider publishes an OAuth2 server, whose scope covers every service (the draft's OAuth2
 * profile).
 */
function httpAuthentication(account: ResolvedAccount, indent: string): XmlFragment {
  const values = [
    ...(account.provider.oauth2 ? [xml`<authentication>OAuth2</authentication>`] : []),
    ...(account.urlServicesTakePassword ? [xml`<authentication system="http">Basic</authentication>`] : []),
  ]
  return xml`${values.map((value) => xml`
${indent}${value}`)}`
}

type TcpServer = Pick<AccountServer, 'hostname' | 'port' | 'socketType' | 'usernameTemplate' | 'authentication' | 'oauth2Only'>

/**
 * The fields of a section reached over TCP (mail servers, ManageSieve), one per line at `indent`.
 * Usernames stay templates: Autoconfig clients substitute the placeholders themselves (§1.4), and
 * a directory's login name, when there is one, is already in the template.
 */
function tcpFields(server: TcpServer, indent: string): XmlFragment {
  return xml`
${indent}<hostname>${server.hostname}</hostname>
${indent}<port>${server.port}</port>
${indent}<socketType>${server.socketType}</socketType>
${indent}<username>${server.usernameTemplate}</username>${authenticationValues(server).map(
    (value) => xml`
${indent}<authentication>${value}</authentication>`,
  )}`
}

/** The fields of a section reached by URL (§1.8): the URL as stored, the username, HTTP authentication. */
function urlFields(account: ResolvedAccount, server: { readonly urlTemplate: string; readonly usernameTemplate: string }, indent: string): XmlFragment {
  return xml`
${indent}<url>${server.urlTemplate}</url>
${indent}<username>${server.usernameTemplate}</username>${httpAuthentication(account, indent)}`
}

function serverElement(element: 'incomingServer' | 'outgoingServer', server: AccountServer): XmlFragment {
  const fields = tcpFields(server, '      ')
  return element === 'incomingServer'
    ? xml`
    <incomingServer type="${SERVER_TYPE[server.type]}">${fields}
    </incomingServer>`
    : xml`
    <outgoingServer type="${SERVER_TYPE[server.type]}">${fields}
    </outgoingServer>`
}

/** §1.8: version 1.2 spells it `addressbook`, and `url` replaces `serverURL`; no client reads either spelling of 1.1 (§1.5, §1.6). */
function davElement(account: ResolvedAccount, dav: AccountDavServer): XmlFragment {
  const fields = urlFields(account, dav, '    ')
  return dav.type === 'caldav'
    ? xml`
  <calendar type="caldav">${fields}
  </calendar>`
    : xml`
  <addressbook type="carddav">${fields}
  </addressbook>`
}

/**
 * A JMAP session: an incoming server of its own type, placed after every IMAP and POP3 entry (the
 * preferred one's repeat included), so that no client takes it for the IMAP account: Thunderbird and
 * Thunderbird for Android skip the type (§1.5, §1.6), and the last-wins readers count per type (§1.7).
 */
function jmapElement(account: ResolvedAccount, jmap: AccountUrlServer): XmlFragment {
  return xml`
    <incomingServer type="jmap">${urlFields(account, jmap, '      ')}
    </incomingServer>`
}

function fileShareElement(account: ResolvedAccount, share: AccountUrlServer): XmlFragment {
  return xml`
  <fileShare type="webdav">${urlFields(account, share, '    ')}
  </fileShare>`
}

function sieveElement(sieve: AccountSieveServer): XmlFragment {
  return xml`
  <setupServer type="managesieve">${tcpFields(sieve, '    ')}
  </setupServer>`
}

/**
 * `<oAuth2>` at the root, where the draft puts it: Thunderbird for Android reads an `<oAuth2>`
 * inside `<emailProvider>` and fails the whole document when it lacks `authURL` or `tokenURL`, but
 * skips one at the root (§1.6). Only the elements the provider has are written (§5.9: no empty ones).
 */
function oauth2Element(account: ResolvedAccount): XmlFragment | '' {
  const settings = account.provider.oauth2
  if (!settings) return ''
  // One template per element: an element name is markup, not a value to escape.
  const optional = (element: 'scope' | 'authURL' | 'tokenURL' | 'clientID', value: string | null) => {
    if (value === null) return ''
    switch (element) {
      case 'scope':
        return xml`
    <scope>${value}</scope>`
      case 'authURL':
        return xml`
    <authURL>${value}</authURL>`
      case 'tokenURL':
        return xml`
    <tokenURL>${value}</tokenURL>`
      case 'clientID':
        return xml`
    <clientID>${value}</clientID>`
    }
  }
  return xml`
  <oAuth2>
    <issuer>${settings.issuer}</issuer>${optional('scope', settings.scope)}${optional('authURL', settings.authUrl)}${optional('tokenURL', settings.tokenUrl)}${optional('clientID', settings.clientId)}
  </oAuth2>`
}

function documentationElement(account: ResolvedAccount): XmlFragment | '' {
  const documentation = account.provider.documentation
  if (!documentation) return ''
  // §5.9: never an empty element; the provider's name stands in for a missing description.
  return xml`
    <documentation url="${documentation.url}">
      <descr>${documentation.description ?? account.provider.name}</descr>
    </documentation>`
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
  const jmap = account.urlServers.filter((u) => u.type === 'jmap')
  const shares = account.urlServers.filter((u) => u.type === 'webdav')
  // §1.8: version 1.2; no client rejects a document for its version (Thunderbird and Thunderbird for
  // Android do not read it, §1.5, §1.6; Evolution was tested with it, §1.7).
  const root = xml`<clientConfig version="1.2">
  <emailProvider id="${providerId}">${provider.domains.map(
    (name) => xml`
    <domain>${name}</domain>`,
  )}
    <displayName>${provider.name}</displayName>
    <displayShortName>${provider.shortName}</displayShortName>${incoming.map((s) => serverElement('incomingServer', s))}${jmap.map((j) =>
      jmapElement(account, j),
    )}${outgoing.map((s) => serverElement('outgoingServer', s))}${documentationElement(account)}
  </emailProvider>${account.davServers.map((d) => davElement(account, d))}${shares.map((f) => fileShareElement(account, f))}${account.sieveServers.map(sieveElement)}${oauth2Element(account)}
</clientConfig>`
  return xmlDocument(root)
}
