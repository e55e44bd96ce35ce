/**
 * The landing page for users of the served domains: enter an address (and name), read the manual
 * settings, download the Apple profile (or scan its link as a QR code from a computer). Plain HTML
 * built with the escaping `html` template; no script; the one inline style block is allowed by its
 * hash and the provider's logo by its origin (route.ts). The QR code is inline SVG, drawn by qr.ts.
 */
import type { AddressError } from '../../core/address'
import { passwordServices, type AccountServer, type UserAccount } from '../../core/account'
import type { Authentication, DavType, Provider, ServerType, SocketType } from '../../core/model'
import type { Dependency } from '../../core/outage'
import type { MissingServer, PrimaryServers } from '../../core/server-choice'
import { html, HtmlFragment } from '../../markup/html'
import { FIELD } from '../apple/request'

// Long values (addresses, host names, DAV and profile URLs) break anywhere rather than widen the
// page past a phone's 390 px. The QR code only shows where a computer's screen leaves room for it:
// on a phone, the download button is the way.
export const LANDING_STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:42rem;padding:1rem 1.25rem;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}
.logo{display:block;max-width:100%;max-height:4rem;height:auto;margin:.5rem 0 0}
form{display:grid;gap:.35rem;margin:1rem 0}label{font-weight:600;margin-top:.5rem}
input{font:inherit;padding:.45rem .6rem;border:1px solid #767676;border-radius:4px;min-width:0}
button{font:inherit;font-weight:600;margin-top:.75rem;padding:.55rem 1rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer;justify-self:start;max-width:100%;text-align:left;overflow-wrap:anywhere}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f5b700;outline-offset:1px}
a{color:#0b57d0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.3rem 0}th[scope=row]{font-weight:600;width:9rem}code{font-size:.95em;word-break:break-all}
ol{padding-left:1.5rem}li{margin:.35rem 0}
.note{color:#444;font-size:.95rem}.warning{border-left:4px solid #b3261e;background:#fdecea;padding:.5rem .75rem}
.error{border-left:4px solid #b3261e;background:#fdecea;padding:.5rem .75rem;font-weight:600}
.qr{display:none;gap:1.25rem;align-items:center;margin:1.5rem 0}.qr-code{flex:none}.qr svg{display:block;width:11rem;height:11rem;shape-rendering:crispEdges}
@media (min-width:48rem){.qr{display:flex}}
`

/** Clients that set themselves up from the address alone, through the endpoints this service serves. */
export const SELF_CONFIGURING_CLIENTS = [
  'Thunderbird',
  'Thunderbird for Android (K-9 Mail)',
  'FairEmail',
  'Evolution',
  // Autodiscover (POX). Quirk(Outlook): the new-account wizard of recent versions may ask
  // Microsoft's cloud AutoDetect instead of this service (docs/clients.md §2.10).
  'eM Client',
  'Outlook',
] as const

/**
 * What iOS will say about the profile: `signed` ones show as "Verified", `unsigned` ones as
 * "Unverified"; `unavailable` when signing is configured but broken, so the profile route answers
 * 500 rather than serve it unsigned (apple/route.ts) and the page offers no download.
 */
export type ProfileSignature = 'signed' | 'unsigned' | 'unavailable'

export interface ProfileOffer {
  /**
   * The absolute GET URL of the profile for the address the page shows (and the typed name), for
   * the QR code and the link beside it. Never with a password: it is shown and can be photographed.
   */
  readonly url: string
  readonly signature: ProfileSignature
  /** The QR code of `url` (qr.ts): the route draws it, with a library it loads on first use. */
  readonly qrCode: HtmlFragment
}

/** Everything that can go wrong, as the page explains it to people (describeProblem). */
export type LandingProblem =
  | { readonly kind: 'address'; readonly error: AddressError }
  /** The typed name is too long or holds control characters (apple/request.ts). */
  | { readonly kind: 'name' }
  /** A request the route could not read at all. */
  | { readonly kind: 'unreadable' }
  /** `domain` as the user typed it (Unicode, not the A-label), which is what they will recognise. */
  | { readonly kind: 'unknown-domain'; readonly domain: string }
  | { readonly kind: 'missing-server'; readonly domain: string; readonly missing: MissingServer; readonly provider: Provider }
  | { readonly kind: 'unavailable'; readonly dependency: Dependency }

export type LandingOutcome =
  | { readonly kind: 'form' }
  | { readonly kind: 'error'; readonly problem: LandingProblem }
  | {
      readonly kind: 'settings'
      /** Usernames and DAV URLs expanded for the user: people, like Apple, substitute no placeholders. */
      readonly account: UserAccount
      /** The pair the Apple profile installs, so what people read matches what it sets up (§3.3). */
      readonly servers: PrimaryServers<AccountServer>
      readonly profile: ProfileOffer
    }

export interface LandingInput {
  /** What the user typed, to fill the form again. */
  readonly address: string
  readonly name: string
  readonly passwordsEnabled: boolean
  readonly outcome: LandingOutcome
}

const SECURITY: Record<SocketType, string> = { SSL: 'SSL/TLS', STARTTLS: 'STARTTLS', plain: 'None (unencrypted)' }
const AUTHENTICATION: Record<Authentication, string> = {
  plain: 'Normal password',
  secure: 'Encrypted password (CRAM-MD5)',
  NTLM: 'NTLM',
  OAuth2: 'OAuth2 or normal password',
  none: 'None',
}
const PROTOCOL: Record<ServerType, string> = { imap: 'IMAP', pop: 'POP3', smtp: 'SMTP' }
const DAV_LABEL: Record<DavType, string> = { caldav: 'Calendars (CalDAV)', carddav: 'Contacts (CardDAV)' }

const ADDRESS_PROBLEM: Record<AddressError, string> = {
  missing: 'Enter your email address to see its settings.',
  malformed: "That doesn't look like an email address. Check it and try again: it should look like name@example.com.",
  'invalid-domain': "The part after the @ isn't a valid domain name. Check the address and try again.",
}
const UNAVAILABLE: Record<Dependency, string> = {
  database: "We can't load the settings right now. Please try again in a minute.",
  directory: "We can't look up your account right now. Please try again in a minute.",
}
const SIDE = { incoming: 'incoming (IMAP or POP3)', outgoing: 'outgoing (SMTP)' } as const

function describeMissing(problem: { readonly domain: string; readonly missing: MissingServer; readonly provider: Provider }): string {
  const { provider, domain, missing } = problem
  if (missing === 'incoming' || missing === 'outgoing') {
    return `${provider.name} hasn't finished setting up mail for ${domain}: there is no ${SIDE[missing]} server yet. Please contact ${provider.name}.`
  }
  const side = missing === 'incoming-oauth2-only' ? SIDE.incoming : SIDE.outgoing
  return `${provider.name}'s ${side} server for ${domain} signs in with OAuth2 only, which these settings and the profile cannot set up. Use a mail program that supports OAuth2, or contact ${provider.name}.`
}

/** A failure in a sentence for people: what happened and what to do, without protocol vocabulary. */
export function describeProblem(problem: LandingProblem): string {
  switch (problem.kind) {
    case 'address':
      return ADDRESS_PROBLEM[problem.error]
    case 'name':
      return 'Your name is too long or contains characters that cannot be used. Shorten it or leave it empty.'
    case 'unreadable':
      return "We couldn't read that request. Check the address and try again."
    case 'unknown-domain':
      return `We don't host mail for ${problem.domain} — check the address.`
    case 'missing-server':
      return describeMissing(problem)
    case 'unavailable':
      return UNAVAILABLE[problem.dependency]
  }
}

// A DNS name as the URL parser leaves it (lowercase A-labels), with a top-level label that is not
// all digits, so no address literal; nothing in it can read as CSP syntax. The admin API and the
// seed store nothing else.
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?![0-9]+$)[a-z0-9-]{2,63}$/

/** The URL when it is an absolute https URL on a DNS name without credentials; else null. */
function httpsOnDnsName(value: string | null | undefined): URL | null {
  if (!value) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  return url.protocol === 'https:' && DNS_NAME.test(url.hostname) && url.username === '' && url.password === '' ? url : null
}

/**
 * The origin the page loads the provider's logo from, or null when there is no logo to show. The
 * admin API and the seed accept only https URLs on DNS names, but a row written by hand could hold
 * anything: a value that is not one is not shown, and so never reaches the CSP either. route.ts
 * allows exactly this origin in `img-src`.
 */
export function logoOrigin(provider: Provider | null): string | null {
  return logoUrl(provider)?.origin ?? null
}

function logoUrl(provider: Provider | null): URL | null {
  return httpsOnDnsName(provider?.brand.logoUrl)
}

// The stored support address, checked again like the logo: nothing that could add header fields
// (`?cc=`) or another scheme to its mailto link.
const PLAIN_ADDRESS = /^[^\s@?&#<>"'\\/:]+@[^\s@?&#<>"'\\/:]+$/

/** The provider of what the page shows, if it knows one: it names the page, shows its logo, offers its help. */
export function pageProvider(outcome: LandingOutcome): Provider | null {
  if (outcome.kind === 'settings') return outcome.account.provider
  if (outcome.kind === 'error' && outcome.problem.kind === 'missing-server') return outcome.problem.provider
  return null
}

function helpSection(provider: Provider): HtmlFragment | null {
  const supportUrl = httpsOnDnsName(provider.brand.supportUrl)
  const email = provider.brand.supportEmail
  const supportEmail = email && PLAIN_ADDRESS.test(email) ? email : null
  if (!supportUrl && !supportEmail) return null
  const ways = [
    supportEmail ? html`write to <a href="mailto:${supportEmail}">${supportEmail}</a>` : null,
    supportUrl ? html`see <a href="${supportUrl.href}">the ${provider.name} help pages</a>` : null,
  ].filter((way) => way !== null)
  return html`
<section aria-labelledby="help">
<h2 id="help">Need help?</h2>
<p>${provider.name} can help: ${ways.length === 2 ? html`${ways[0]}, or ${ways[1]}` : ways}.</p>
</section>`
}

/** `a, b and c` */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function serverTable(caption: string, server: AccountServer): HtmlFragment {
  return html`<table>
<caption>${caption}</caption>
<tbody>
<tr><th scope="row">Protocol</th><td>${PROTOCOL[server.type]}</td></tr>
<tr><th scope="row">Server</th><td><code>${server.hostname}</code></td></tr>
<tr><th scope="row">Port</th><td>${server.port}</td></tr>
<tr><th scope="row">Security</th><td>${SECURITY[server.socketType]}</td></tr>
<tr><th scope="row">Username</th><td>${server.authentication === 'none' ? 'none needed' : html`<code>${server.username}</code>`}</td></tr>
<tr><th scope="row">Authentication</th><td>${AUTHENTICATION[server.authentication]}</td></tr>
</tbody>
</table>`
}

function profileQrFigure({ url, qrCode }: ProfileOffer): HtmlFragment {
  return html`<figure class="qr">
<div class="qr-code" role="img" aria-label="QR code of the profile link">${qrCode}</div>
<figcaption>On a computer? Scan this code with the camera of your iPhone or iPad and open the link
in Safari: it downloads the profile. Then go on with step 2 above. The link: <a href="${url}">${url}</a></figcaption>
</figure>`
}

const SIGNATURE_NOTE: Record<Exclude<ProfileSignature, 'unavailable'>, HtmlFragment> = {
  signed: html`The profile is signed, so iOS shows it as <strong>Verified</strong>.`,
  unsigned: html`iOS shows the profile as <strong>Unverified</strong> because it is not signed. That is expected; it installs all the same.`,
}

function appleSection(input: LandingInput, outcome: Extract<LandingOutcome, { kind: 'settings' }>): HtmlFragment {
  const { account, profile } = outcome
  const { who } = account
  if (profile.signature === 'unavailable') {
    return html`
<section aria-labelledby="apple">
<h2 id="apple">iPhone, iPad and Mac</h2>
<p class="warning">The profile for iPhone, iPad and Mac can't be downloaded at the moment. Please try again
later, or set up Mail by hand with the settings below.</p>
</section>`
  }
  return html`
<section aria-labelledby="apple">
<h2 id="apple">iPhone, iPad and Mac</h2>
<p>A profile sets up Mail in one step. It is called “Mail settings for ${who.address}”.</p>
<ol>
<li>On your iPhone or iPad, open this page in <strong>Safari</strong> (other browsers cannot install
profiles) and tap <strong>Download profile</strong> below; allow the download if Safari asks.</li>
<li>Open the <strong>Settings</strong> app and tap <strong>Profile Downloaded</strong> near the top (it stays
there for 8 minutes). If it is not there, go to <strong>General → VPN &amp; Device Management</strong> and tap
the profile.</li>
<li>Tap <strong>Install</strong>. ${SIGNATURE_NOTE[profile.signature]}</li>
<li>${input.passwordsEnabled
    ? 'Unless you enter your password below, iOS asks for your email password during the installation.'
    : 'iOS asks for your email password during the installation: have it ready.'}</li>
</ol>
<p>On a Mac, download the profile and install it in <strong>System Settings → Privacy &amp; Security →
Profiles</strong>.</p>
<form method="post" action="/mobileconfig">
<input type="hidden" name="${FIELD.address}" value="${who.address}">
<input type="hidden" name="${FIELD.name}" value="${input.name}">
${input.passwordsEnabled
    ? html`<label for="password">Password (optional)</label>
<input id="password" name="${FIELD.password}" type="password" autocomplete="current-password" aria-describedby="password-warning">
<p id="password-warning" class="warning">If you enter your password, it is written into the profile file
as plain text. Anyone who gets hold of the file can read it. Leave the field empty to type the password
on your device instead.</p>`
    : null}
<button type="submit">Download profile for ${who.address}</button>
</form>
${profileQrFigure(profile)}
</section>`
}

function settings(input: LandingInput, outcome: Extract<LandingOutcome, { kind: 'settings' }>): HtmlFragment {
  const { account, servers } = outcome
  // What the profile installs (§5.11): no DAV servers of a provider whose HTTP services are OAuth2-only.
  const { davServers } = passwordServices(account)
  return html`${appleSection(input, outcome)}
<section aria-labelledby="manual">
<h2 id="manual">Settings for other mail apps</h2>
${serverTable('Incoming mail', servers.incoming)}
${serverTable('Outgoing mail', servers.outgoing)}
${davServers.length > 0
    ? html`<table>
<caption>Calendars and contacts</caption>
<tbody>${davServers.map(
        (d) => html`
<tr><th scope="row">${DAV_LABEL[d.type]}</th><td><code>${d.url}</code><br>Username: <code>${d.username}</code></td></tr>`,
      )}
</tbody>
</table>`
    : null}
</section>`
}

/** The whole page; pure. The status code and the CSP (logoOrigin) are the route's business. */
export function renderLanding(input: LandingInput): string {
  const { outcome } = input
  const provider = pageProvider(outcome)
  const heading = provider ? `Set up your email with ${provider.name}` : 'Set up your email'
  const logo = logoUrl(provider)
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading}</title>
<style>${new HtmlFragment(LANDING_STYLE)}</style>
</head>
<body>
<main>
${provider && logo ? html`<img class="logo" src="${logo.href}" alt="${provider.name}">` : null}
<h1>${heading}</h1>
<p>Enter your email address to get the settings for your mail app, and a profile that sets up Mail on
iPhone, iPad and Mac in one step.</p>
${outcome.kind === 'error' ? html`<p class="error" role="alert">${describeProblem(outcome.problem)}</p>` : null}
<form method="get" action="/">
<label for="emailaddress">Email address</label>
<input id="emailaddress" name="${FIELD.address}" type="email" autocomplete="email" required value="${input.address}">
<label for="name">Your name (optional, shown to people you write to)</label>
<input id="name" name="${FIELD.name}" type="text" autocomplete="name" maxlength="100" value="${input.name}">
<button type="submit">Show my settings</button>
</form>
${outcome.kind === 'settings' ? settings(input, outcome) : null}
${provider ? helpSection(provider) : null}
<section aria-labelledby="automatic">
<h2 id="automatic">Apps that set themselves up</h2>
<p>${listed(SELF_CONFIGURING_CLIENTS)} find these settings by themselves: enter your email address
and password there and they do the rest.</p>
</section>
</main>
</body>
</html>
`
  return page.text
}
