/**
 * PACC (draft-ietf-mailmaint-pacc-03, docs/clients.md §4.7): the JSON document at
 * `/.well-known/user-agent-configuration.json`. PACC has no ports and no choice of TLS: IMAP is 993,
 * POP3 995 and submission 465, all implicit TLS, and URLs carry no port. A domain whose data PACC
 * cannot express gets a refusal naming why, never a document that would send clients elsewhere.
 * Pure: same account, same bytes (the `_ua-auto-config` TXT digest is taken over them).
 */
import type { AccountDavServer, AccountServer, AccountUrlServer, ResolvedAccount } from '../../core/account'
import type { ServerType } from '../../core/model'
import { fail, ok, type Result } from '../../core/result'

/** The one port and socket type PACC implies per mail protocol (§4.7). */
const IMPLIED: Record<ServerType, { readonly key: 'imap' | 'pop3' | 'submit'; readonly port: number; readonly name: string }> = {
  imap: { key: 'imap', port: 993, name: 'IMAP' },
  pop: { key: 'pop3', port: 995, name: 'POP3' },
  smtp: { key: 'submit', port: 465, name: 'SMTP submission' },
}

type HostEntry = { readonly host: string }
type UrlEntry = { readonly url: string }

export interface PaccDocument {
  readonly protocols: {
    readonly imap?: HostEntry
    readonly pop3?: HostEntry
    readonly submit?: HostEntry
    readonly jmap?: UrlEntry
    readonly caldav?: UrlEntry
    readonly carddav?: UrlEntry
    readonly webdav?: UrlEntry
  }
  readonly authentication: { readonly password: boolean; readonly 'oauth-public'?: { readonly issuer: string } }
  readonly info: {
    readonly provider: { readonly name: string; readonly shortName: string }
    readonly help?: { readonly documentation: string }
  }
}

const describeServer = (s: AccountServer) => `${s.hostname} port ${s.port} ${s.socketType}`

/** The preferred server of a type that PACC can express, or why none can. */
function mailEntry(servers: readonly AccountServer[], type: ServerType): Result<HostEntry | null, string> {
  const ofType = servers.filter((s) => s.type === type)
  if (ofType.length === 0) return ok(null)
  const implied = IMPLIED[type]
  const expressible = ofType.find((s) => s.socketType === 'SSL' && s.port === implied.port)
  if (expressible) return ok({ host: expressible.hostname })
  return fail(
    `its ${implied.name} server${ofType.length > 1 ? 's' : ''} (${ofType.map(describeServer).join('; ')}) cannot be written in PACC, which implies port ${implied.port} with implicit TLS (SSL)`,
  )
}

/**
 * An https URL without a port and without placeholders, or why not. For DAV, the context path
 * (what every user shares, RFC 6764) is what PACC names (§4.7).
 */
function urlEntry(what: string, url: string): Result<UrlEntry, string> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return fail(`its ${what} URL ${url} is not a URL`)
  }
  if (parsed.protocol !== 'https:') return fail(`its ${what} URL ${url} is not https, and PACC URLs are`)
  if (parsed.port !== '') return fail(`its ${what} URL ${url} names port ${parsed.port}, and PACC URLs carry no port`)
  if (/%[A-Z]+%/.test(url)) return fail(`its ${what} URL ${url} holds a placeholder, which PACC has no way to fill in`)
  return ok({ url: parsed.href })
}

function davEntry(davs: readonly AccountDavServer[], type: AccountDavServer['type']): Result<UrlEntry | null, string> {
  const dav = davs.find((d) => d.type === type)
  if (!dav) return ok(null)
  const name = type === 'caldav' ? 'CalDAV' : 'CardDAV'
  let origin: string
  try {
    origin = new URL(dav.urlTemplate).origin
  } catch {
    return fail(`its ${name} URL ${dav.urlTemplate} is not a URL`)
  }
  return urlEntry(name, `${origin}${dav.contextPath}`)
}

function urlServerEntry(urls: readonly AccountUrlServer[], type: AccountUrlServer['type']): Result<UrlEntry | null, string> {
  const server = urls.find((u) => u.type === type)
  return server ? urlEntry(type === 'jmap' ? 'JMAP' : 'WebDAV', server.urlTemplate) : ok(null)
}

/** The PACC document of a domain (resolved without a user), or the reasons PACC cannot express it. */
export function buildPacc(account: ResolvedAccount): Result<PaccDocument, readonly string[]> {
  const entries = {
    imap: mailEntry(account.servers, 'imap'),
    pop3: mailEntry(account.servers, 'pop'),
    submit: mailEntry(account.servers, 'smtp'),
    jmap: urlServerEntry(account.urlServers, 'jmap'),
    caldav: davEntry(account.davServers, 'caldav'),
    carddav: davEntry(account.davServers, 'carddav'),
    webdav: urlServerEntry(account.urlServers, 'webdav'),
  }
  const problems = Object.values(entries).flatMap((entry) => (entry.ok ? [] : [entry.error]))
  const protocols: Record<string, HostEntry | UrlEntry> = {}
  for (const [key, entry] of Object.entries(entries)) if (entry.ok && entry.value) protocols[key] = entry.value
  if (problems.length === 0 && !protocols.imap && !protocols.pop3 && !protocols.jmap) problems.push('it has no incoming mail server (IMAP, POP3 or JMAP)')

  const { oauth2 } = account.provider
  // A password works wherever a server is not OAuth2-only (core/account.ts), URL services included.
  const password =
    account.servers.some((s) => !s.oauth2Only && s.authentication !== 'none') ||
    (account.urlServers.length + account.davServers.length > 0 && oauth2?.password !== false)
  if (!password && !oauth2) problems.push('none of its servers takes a password, and it publishes no OAuth2 issuer')
  if (problems.length > 0) return fail(problems)

  const documentation = account.provider.documentation?.url
  return ok({
    protocols,
    authentication: { password, ...(oauth2 ? { 'oauth-public': { issuer: oauth2.issuer } } : {}) },
    info: {
      provider: { name: account.provider.name, shortName: account.provider.shortName },
      ...(documentation ? { help: { documentation } } : {}),
    },
  })
}

/**
 * The exact bytes served. Key order is fixed by construction above, and JSON.stringify keeps
 * insertion order, so equal data gives equal bytes on every runtime.
 */
export function renderPacc(account: ResolvedAccount): Result<string, readonly string[]> {
  const document = buildPacc(account)
  return document.ok ? ok(JSON.stringify(document.value)) : document
}

/** `v=UAAC1; a=sha256; d=…`: the base64 SHA-256 of the body, for the TXT at `_ua-auto-config.<domain>` (§4.7). */
export async function paccTxtRecord(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)))
  return `v=UAAC1; a=sha256; d=${btoa(String.fromCharCode(...digest))}`
}
