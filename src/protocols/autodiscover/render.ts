/**
 * Microsoft Autodiscover success documents: the Outlook POX response (schema 2006/2006a;
 * docs/clients.md §2.3, MS-OXDSCLI) and the ActiveSync mobilesync response (§2.8, MS-ASCMD
 * 2.2.1.1). These clients substitute no placeholders, so every value comes from the resolved
 * account already expanded for the user (§5.12).
 */
import { passwordServices, type AccountDavServer, type AccountServer, type UserAccount } from '../../core/account'
import type { Authentication, DavType, ServerType, SocketType } from '../../core/model'
import { xml, xmlDocument, type XmlFragment } from '../../markup/xml'
import { AUTODISCOVER_RESPONSE_NS, RESPONSE_SCHEMA_NS } from './namespaces'

type OnOff = 'on' | 'off'

// §2.3 table: upper case; Exchange types (EXCH, EXPR, EXHTTP, WEB) are never emitted.
const PROTOCOL_TYPE: Record<ServerType, string> = { imap: 'IMAP', pop: 'POP3', smtp: 'SMTP' }
// Quirk(eM Client): it reads CalDAV/CardDAV entries with the URL in Server (§2.3).
const DAV_PROTOCOL_TYPE: Record<DavType, string> = { caldav: 'CalDAV', carddav: 'CardDAV' }

/**
 * Spec(MS-OXDSCLI, Encryption): overrides SSL; Quirk(Outlook): `TLS` means STARTTLS and `SSL`
 * implicit TLS, so `TLS` on 993/465 breaks it (§2.3).
 */
const ENCRYPTION: Record<SocketType, 'SSL' | 'TLS' | 'None'> = { SSL: 'SSL', STARTTLS: 'TLS', plain: 'None' }
/**
 * Quirk(Thunderbird): it ignores Encryption (except None) and reads `<SSL>off</SSL>` as plaintext,
 * so SSL stays `on` for STARTTLS too (§2.3, §2.6); Outlook 2007 reads only this element.
 */
const SSL: Record<SocketType, OnOff> = { SSL: 'on', STARTTLS: 'on', plain: 'off' }
/**
 * SPA is `off` for every stored method: absent, it defaults to `on` (§2.3), and Thunderbird
 * maps `on` to NTLM/Kerberos (§2.6). Only `none` (SMTP without authentication) drops AuthRequired.
 */
const AUTH_REQUIRED: Record<Authentication, OnOff> = { plain: 'on', secure: 'on', NTLM: 'on', OAuth2: 'on', none: 'off' }

export type OutlookSchema = 'outlook-2006' | 'outlook-2006a'

function mailProtocol(server: AccountServer): XmlFragment {
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
        <LoginName>${server.username}</LoginName>
        <DomainRequired>off</DomainRequired>
        <SPA>off</SPA>
        <SSL>${SSL[server.socketType]}</SSL>
        <Encryption>${ENCRYPTION[server.socketType]}</Encryption>
        <AuthRequired>${authRequired}</AuthRequired>${smtpOnly}
      </Protocol>`
}

function davProtocol(dav: AccountDavServer): XmlFragment {
  // Quirk(eM Client, Outlook): the URL in Server is used as it stands, so it is the expanded one (§2.3).
  return xml`
      <Protocol>
        <Type>${DAV_PROTOCOL_TYPE[dav.type]}</Type>
        <Server>${dav.url}</Server>
        <Port>${dav.port}</Port>
        <LoginName>${dav.username}</LoginName>
        <DomainRequired>${dav.domainRequired ? 'on' : 'off'}</DomainRequired>
        <SPA>off</SPA>
        <SSL>${dav.useSsl ? 'on' : 'off'}</SSL>
        <AuthRequired>on</AuthRequired>
      </Protocol>`
}

/** DisplayName: the account's display name (the directory's common name), else the address (§2.3). */
const displayNameOf = (account: UserAccount) => account.displayName ?? account.who.address

/**
 * One `Protocol` per offered server, preferred first, as every format offers them. LoginName is
 * never empty (Thunderbird drops such an entry, §2.6): templates never expand to ''.
 */
export function renderPoxSettings(account: UserAccount, schema: OutlookSchema): string {
  const { servers, davServers } = passwordServices(account)
  const root = xml`<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">
  <Response xmlns="${RESPONSE_SCHEMA_NS[schema]}">
    <User>
      <DisplayName>${displayNameOf(account)}</DisplayName>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>${servers.map(mailProtocol)}${davServers.map(davProtocol)}
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
export function renderMobileSync(account: UserAccount, activeSyncUrl: string): string {
  const root = xml`<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">
  <Response xmlns="${RESPONSE_SCHEMA_NS.mobilesync}">
    <Culture>${CULTURE}</Culture>
    <User>
      <DisplayName>${displayNameOf(account)}</DisplayName>
      <EMailAddress>${account.who.address}</EMailAddress>
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
