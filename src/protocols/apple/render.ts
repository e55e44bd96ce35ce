/**
 * Apple configuration profile (`.mobileconfig`, an XML property list) for iOS, iPadOS and macOS
 * Mail, plus CalDAV/CardDAV accounts. Spec: apple/device-management TopLevel.yaml,
 * com.apple.mail.managed.yaml, com.apple.caldav/carddav.account.yaml, as summed up in docs/clients.md §3.1–§3.6.
 * Pure: identifiers, the chosen servers and the password (already allowed by the route) come in.
 */
import { build, type PlistValue } from 'plist'
import { passwordServices, type AccountDavServer, type AccountServer, type UserAccount } from '../../core/account'
import type { Authentication, DavType } from '../../core/model'
import type { PrimaryServers } from '../../core/server-choice'
import type { PayloadId, ProfileIds } from './ids'

export interface ProfileInput {
  /** Usernames and DAV URLs expanded for the user: Apple substitutes no placeholders (§3.4, §5.12). */
  readonly account: UserAccount
  /** The account's one incoming and one outgoing server (§3.3). */
  readonly servers: PrimaryServers<AccountServer>
  readonly ids: ProfileIds
  /** Only when the operator permits passwords in profiles (the route enforces the opt-in). */
  readonly password: string | null
}

/**
 * §3.3 (authentication). `secure` (password-encrypted) is CRAM-MD5 in Apple's vocabulary. OAuth2 is
 * always paired with a password fallback in this service (docs/clients.md §5.11), and Apple's
 * profile has no OAuth value, so the password is what a profile can install.
 */
const AUTHENTICATION: Record<Authentication, string> = {
  plain: 'EmailAuthPassword',
  secure: 'EmailAuthCRAMMD5',
  NTLM: 'EmailAuthNTLM',
  OAuth2: 'EmailAuthPassword',
  none: 'EmailAuthNone',
}

const ACCOUNT_TYPE: Record<'imap' | 'pop', string> = { imap: 'EmailTypeIMAP', pop: 'EmailTypePOP' }

const DAV: Record<DavType, { payloadType: string; prefix: 'CalDAV' | 'CardDAV'; label: string }> = {
  caldav: { payloadType: 'com.apple.caldav.account', prefix: 'CalDAV', label: 'calendars' },
  carddav: { payloadType: 'com.apple.carddav.account', prefix: 'CardDAV', label: 'contacts' },
}

// XML 1.0 §2.2: code points that may not appear in a document; plist's builder does not check.
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu

/** A plist value being built; undefined marks a key to leave out. */
type Value = string | number | boolean | readonly Value[] | Dict | undefined
type Dict = { readonly [key: string]: Value }

/** §3.3 recommendation: a key without a value is left out (never an empty string). */
function text(value: string | null | undefined): string | undefined {
  const clean = value?.trim()
  return clean ? clean : undefined
}

function payloadHeader(type: string, id: PayloadId, displayName: string): Dict {
  // §3.2 common keys; PayloadIdentifier unique within the profile, both stable (§3.5).
  return { PayloadType: type, PayloadVersion: 1, PayloadIdentifier: id.identifier, PayloadUUID: id.uuid, PayloadDisplayName: displayName }
}

function mailPayload(input: ProfileInput): Dict {
  const { account, ids, servers } = input
  const { incoming, outgoing } = servers
  // Never trimmed: spaces can be part of a password.
  const password = input.password ? input.password : undefined
  if (incoming.type === 'smtp') throw new Error('bug: an smtp server was chosen as the incoming server')
  const outgoingNeedsPassword = outgoing.authentication !== 'none'
  const serverKeys = (side: 'Incoming' | 'Outgoing', server: AccountServer): Dict => ({
    [`${side}MailServerHostName`]: server.hostname,
    [`${side}MailServerPortNumber`]: server.port,
    // §3.3 (TLS): Apple has one boolean; true for SSL and STARTTLS alike (automx2 ≥ 2024.2),
    // Mail then picks implicit TLS or STARTTLS from the port.
    [`${side}MailServerUseSSL`]: server.socketType !== 'plain',
    [`${side}MailServerAuthentication`]: AUTHENTICATION[server.authentication],
    // An absent username makes Mail prompt for it (§3.3); EmailAuthNone needs none.
    [`${side}MailServerUsername`]: server.authentication === 'none' ? undefined : text(server.username),
  })
  return {
    ...payloadHeader('com.apple.mail.managed', ids.mail, 'Mail'),
    EmailAccountType: ACCOUNT_TYPE[incoming.type],
    EmailAccountDescription: text(account.who.address),
    // The name typed by the user, else the directory's common name; absent → Mail asks.
    EmailAccountName: text(account.displayName),
    EmailAddress: text(account.who.address),
    ...serverKeys('Incoming', incoming),
    IncomingPassword: password,
    ...serverKeys('Outgoing', outgoing),
    OutgoingPassword: outgoingNeedsPassword ? password : undefined,
    // Without a password in the profile, ask once for both servers (interactive installs, §3.3).
    OutgoingPasswordSameAsIncomingPassword: outgoingNeedsPassword && !password ? true : undefined,
  }
}

function davPayload(dav: AccountDavServer, id: PayloadId, provider: string): Dict {
  const { payloadType, prefix, label } = DAV[dav.type]
  // §3.4: host and port from the URL (a host name, not a URL), the full URL as principal URL
  // (automx2 does the same; macOS ignores CardDAVPrincipalURL and discovers from the host). The
  // URL is the expanded one: the device uses it literally.
  const url = new URL(dav.url)
  return {
    ...payloadHeader(payloadType, id, `${provider} ${label}`),
    [`${prefix}AccountDescription`]: text(`${provider} ${label}`),
    [`${prefix}HostName`]: url.hostname,
    [`${prefix}Port`]: dav.port,
    [`${prefix}UseSSL`]: dav.useSsl,
    [`${prefix}PrincipalURL`]: dav.url,
    [`${prefix}Username`]: text(dav.username),
  }
}

/** The profile as plist XML. Key order is fixed, so equal input gives byte-identical output. */
export function renderMobileconfig(input: ProfileInput): string {
  const { account, ids } = input
  // §5.11: a profile holds passwords only; OAuth2-only DAV services are left out.
  const { davServers } = passwordServices(account)
  if (ids.dav.length !== davServers.length) throw new Error('bug: one payload id per DAV server expected')
  const provider = account.provider.name
  const address = account.who.address
  const profile: Dict = {
    ...payloadHeader('Configuration', ids.profile, `Mail settings for ${address}`),
    PayloadDescription: `Sets up ${address} in Mail${davServers.length > 0 ? ', with calendars and contacts' : ''}.`,
    PayloadOrganization: text(provider),
    PayloadContent: [mailPayload(input), ...davServers.map((dav, i) => davPayload(dav, ids.dav[i] as PayloadId, provider))],
  }
  return `${build(sanitise(profile) ?? {})}\n`
}

const isList = (value: Value): value is readonly Value[] => Array.isArray(value)

/** Drops undefined keys and replaces characters XML cannot carry, recursively. */
function sanitise(value: Value): PlistValue | undefined {
  if (typeof value === 'string') return value.replace(NOT_XML_CHAR, '\ufffd')
  if (isList(value)) return value.flatMap((v) => sanitise(v) ?? [])
  if (typeof value === 'object') {
    const out: { [key: string]: PlistValue } = {}
    for (const [key, v] of Object.entries(value)) {
      const clean = sanitise(v)
      if (clean !== undefined) out[key] = clean
    }
    return out
  }
  return value
}
