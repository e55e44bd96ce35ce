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

/**
 * The preferred server of a type that PACC can express, or why none can. One that takes a password
 * comes before an OAuth2-only one, so `authentication.password` can be true for what is named.
 */
function mailEntry(servers: readonly AccountServer[], type: ServerType): Result<AccountServer | null, string> {
  const ofType = servers.filter((s) => s.type === type)
  if (ofType.length === 0) return ok(null)
  const implied = IMPLIED[type]
  const expressible = ofType.filter((s) => s.socketType === 'SSL' && s.port === implied.port)
  const chosen = expressible.find((s) => !s.oauth2Only) ?? expressible[0]
  if (chosen) return ok(chosen)
  return fail(
    `its ${implied.name} server${ofType.length > 1 ? 's' : ''} (${ofType.map(describeServer).join('; ')}) cannot be written in PACC, which implies port ${implied.port} with implicit TLS (SSL)`,
  )
}

/**
 * An https URL without a port and without placeholders, or why not. For DAV, the context path
 * (what every user shares, RFC 6764) is what PACC names (§4.7).
 */
function urlProblem(what: string, url: string): string | null {
  if (!URL.canParse(url)) return `its ${what} URL ${url} is not a URL`
  const parsed = new URL(url)
  if (parsed.protocol !== 'https:') return `its ${what} URL ${url} is not https, and PACC URLs are`
  if (parsed.port !== '') return `its ${what} URL ${url} names port ${parsed.port}, and PACC URLs carry no port`
  if (/%[A-Z]+%/.test(url)) return `its ${what} URL ${url} holds a placeholder, which PACC has no way to fill in`
  return null
}

/** Like mail servers: the first URL of the type that PACC can express, or every reason none can. */
function firstExpressible(what: string, urls: readonly string[]): Result<UrlEntry | null, string> {
  if (urls.length === 0) return ok(null)
  const problems: string[] = []
  for (const url of urls) {
    const problem = urlProblem(what, url)
    if (problem === null) return ok({ url: new URL(url).href })
    problems.push(problem)
  }
  return fail(problems.join('; '))
}

const DAV_NAME = { caldav: 'CalDAV', carddav: 'CardDAV' } as const

function davEntry(davs: readonly AccountDavServer[], type: AccountDavServer['type']): Result<UrlEntry | null, string> {
  // The context path: the URL up to the first placeholder (core/placeholders.ts), on its origin.
  const contexts = davs.filter((d) => d.type === type).map((d) => (URL.canParse(d.urlTemplate) ? `${new URL(d.urlTemplate).origin}${d.contextPath}` : d.urlTemplate))
  return firstExpressible(DAV_NAME[type], contexts)
}

function urlServerEntry(urls: readonly AccountUrlServer[], type: AccountUrlServer['type']): Result<UrlEntry | null, string> {
  return firstExpressible(type === 'jmap' ? 'JMAP' : 'WebDAV', urls.filter((u) => u.type === type).map((u) => u.urlTemplate))
}

/** The PACC document of a domain (resolved without a user), or the reasons PACC cannot express it. */
export function buildPacc(account: ResolvedAccount): Result<PaccDocument, readonly string[]> {
  const mail = { imap: mailEntry(account.servers, 'imap'), pop3: mailEntry(account.servers, 'pop'), submit: mailEntry(account.servers, 'smtp') }
  const urls = {
    jmap: urlServerEntry(account.urlServers, 'jmap'),
    caldav: davEntry(account.davServers, 'caldav'),
    carddav: davEntry(account.davServers, 'carddav'),
    webdav: urlServerEntry(account.urlServers, 'webdav'),
  }
  const problems = [...Object.values(mail), ...Object.values(urls)].flatMap((entry) => (entry.ok ? [] : [entry.error]))
  const protocols: Record<string, HostEntry | UrlEntry> = {}
  const named: AccountServer[] = []
  for (const [key, entry] of Object.entries(mail)) {
    if (entry.ok && entry.value) {
      protocols[key] = { host: entry.value.hostname }
      named.push(entry.value)
    }
  }
  for (const [key, entry] of Object.entries(urls)) if (entry.ok && entry.value) protocols[key] = entry.value
  if (problems.length === 0 && !protocols.imap && !protocols.pop3 && !protocols.jmap) problems.push('it has no incoming mail server (IMAP, POP3 or JMAP)')

  const { oauth2 } = account.provider
  // `password` speaks for the servers named here: a mail server that is not OAuth2-only
  // (core/account.ts), or a URL service while the provider's OAuth2 servers also take passwords.
  const urlServices = Object.values(urls).some((entry) => entry.ok && entry.value !== null)
  const password = named.some((s) => !s.oauth2Only && s.authentication !== 'none') || (urlServices && account.urlServicesTakePassword)
  if (problems.length === 0 && !password && !oauth2) problems.push('none of its servers takes a password, and it publishes no OAuth2 issuer')
  // The public-client profile discovers the authorization server from the issuer (RFC 8414), which is an https URL.
  if (oauth2 && !/^https:\/\/[^/?#\s]+/.test(oauth2.issuer)) {
    problems.push(`its OAuth2 issuer ${oauth2.issuer} is not an https URL, which PACC's oauth-public needs (RFC 8414)`)
  }
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
