/**
 * Microsoft Autodiscover success documents: the Outlook POX response (schema 2006/2006a; protocols.md
 * §2.3, §2.11, MS-OXDSCLI) and the ActiveSync mobilesync response (§2.8, MS-ASCMD 2.2.1.1).
 * Unlike Autoconfig, clients do not expand placeholders here, so usernames are expanded for `who`.
 */
import { AUTODISCOVER_RESPONSE_NS, RESPONSE_SCHEMA_NS } from './namespaces'
import type { Authentication, DavServer, DavType, DomainConfig, EmailAddress, MailServer, ServerType, SocketType, UserIdentity } from '../../core/model'
import { expandPlaceholders } from '../../core/placeholders'
import { preferEncrypted } from '../../core/server-choice'
import { xml, xmlDocument, type XmlFragment } from '../../markup/xml'

type OnOff = 'on' | 'off'

// §2.3 table: upper case; Exchange types (EXCH, EXPR, EXHTTP, WEB) are never emitted.
const PROTOCOL_TYPE: Record<ServerType, string> = { imap: 'IMAP', pop: 'POP3', smtp: 'SMTP' }
// Quirk(eM Client): it reads CalDAV/CardDAV entries with the URL in Server (§2.3 "Other clients").
const DAV_PROTOCOL_TYPE: Record<DavType, string> = { caldav: 'CalDAV', carddav: 'CardDAV' }

/**
 * Spec(MS-OXDSCLI, Encryption): overrides SSL; Quirk(Outlook): `TLS` means STARTTLS and `SSL`
 * implicit TLS, so `TLS` on 993/465 breaks it (§0 item 9).
 */
const ENCRYPTION: Record<SocketType, 'SSL' | 'TLS' | 'None'> = { SSL: 'SSL', STARTTLS: 'TLS', plain: 'None' }
/**
 * Quirk(Thunderbird): it ignores Encryption (except None) and reads `<SSL>off</SSL>` as plaintext,
 * so SSL stays `on` for STARTTLS too (§0 item 9, §2.6); Outlook 2007 reads only this element.
 */
const SSL: Record<SocketType, OnOff> = { SSL: 'on', STARTTLS: 'on', plain: 'off' }
/**
 * SPA is `off` for every stored method: absent, it defaults to `on` (§0 item 8), and Thunderbird
 * maps `on` to NTLM/Kerberos (§2.6). Only `none` (SMTP without authentication) drops AuthRequired.
 */
const AUTH_REQUIRED: Record<Authentication, OnOff> = { plain: 'on', secure: 'on', NTLM: 'on', OAuth2: 'on', none: 'off' }

export type OutlookSchema = 'outlook-2006' | 'outlook-2006a'

function mailProtocol(server: MailServer, loginName: string): XmlFragment {
  const authRequired = AUTH_REQUIRED[server.authentication]
  // SMTP reuses the incoming credentials (UsePOPAuth) unless it needs none; never SMTP-after-POP.
  const smtpOnly =
    server.type === 'smtp'
      ? xml`
        <UsePOPAuth>${authRequired}</UsePOPAuth>
        <SMTPLast>off</SMTPLast>`
      : null
  return xml`
      <Protocol>
        <Type>${PROTOCOL_TYPE[server.type]}</Type>
        <Server>${server.hostname}</Server>
        <Port>${server.port}</Port>
        <LoginName>${loginName}</LoginName>
        <DomainRequired>off</DomainRequired>
        <SPA>off</SPA>
        <SSL>${SSL[server.socketType]}</SSL>
        <Encryption>${ENCRYPTION[server.socketType]}</Encryption>
        <AuthRequired>${authRequired}</AuthRequired>${smtpOnly}
      </Protocol>`
}

function davProtocol(dav: DavServer, loginName: string): XmlFragment {
  return xml`
      <Protocol>
        <Type>${DAV_PROTOCOL_TYPE[dav.type]}</Type>
        <Server>${dav.url}</Server>
        <Port>${dav.port}</Port>
        <LoginName>${loginName}</LoginName>
        <DomainRequired>${dav.domainRequired ? 'on' : 'off'}</DomainRequired>
        <SPA>off</SPA>
        <SSL>${dav.useSsl ? 'on' : 'off'}</SSL>
        <AuthRequired>on</AuthRequired>
      </Protocol>`
}

/** DisplayName: the directory's common name when there is one, else the address (§2.11). */
const displayNameOf = (who: EmailAddress, user: UserIdentity | null) => user?.displayName ?? who.address

/**
 * One `Protocol` per server, in the stored priority order; plain-text entries are left out when the
 * same protocol has an encrypted one (the Autoconfig rule, render/servers.ts), so every format
 * steers clients to the same servers.
 */
export function renderPoxSettings(config: DomainConfig, who: EmailAddress, user: UserIdentity | null, schema: OutlookSchema): string {
  // LoginName must not be empty (Thunderbird drops the entry, §2.3): templates never expand to ''.
  const loginFor = (template: string) => user?.loginName ?? expandPlaceholders(template, who)
  const root = xml`<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">
  <Response xmlns="${RESPONSE_SCHEMA_NS[schema]}">
    <User>
      <DisplayName>${displayNameOf(who, user)}</DisplayName>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>${preferEncrypted(config.servers).map((s) => mailProtocol(s, loginFor(s.username)))}${config.davServers.map((d) => davProtocol(d, loginFor(d.username)))}
    </Account>
  </Response>
</Autodiscover>`
  return xmlDocument(root)
}

/** Culture is required by the schema; the service has no per-user locale, so one fixed value. */
const CULTURE = 'en:us'

/**
 * The mobilesync answer: one MobileSync server whose Url and Name are both the ActiveSync URL
 * (MS-ASCMD Name: the URL for MobileSync; §2.8).
 */
export function renderMobileSync(activeSyncUrl: string, who: EmailAddress, user: UserIdentity | null): string {
  const root = xml`<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">
  <Response xmlns="${RESPONSE_SCHEMA_NS.mobilesync}">
    <Culture>${CULTURE}</Culture>
    <User>
      <DisplayName>${displayNameOf(who, user)}</DisplayName>
      <EMailAddress>${who.address}</EMailAddress>
    </User>
    <Action>
      <Settings>
        <Server>
          <Type>MobileSync</Type>
          <Url>${activeSyncUrl}</Url>
          <Name>${activeSyncUrl}</Name>
        </Server>
      </Settings>
    </Action>
  </Response>
</Autodiscover>`
  return xmlDocument(root)
}
