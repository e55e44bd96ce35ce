/**
 * The landing page for users of the served domains: enter an address (and name), read the manual
 * settings, download the Apple profile. Plain HTML built with the escaping `html` template; no
 * script, no external asset; the one inline style block is allowed by its hash (route.ts).
 */
import type { AccountServer, UserAccount } from '../../core/account'
import type { Authentication, DavType, ServerType, SocketType } from '../../core/model'
import type { PrimaryServers } from '../../core/server-choice'
import { html, HtmlFragment } from '../../markup/html'
import { FIELD } from '../apple/request'

export const LANDING_STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:42rem;padding:1rem 1.25rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}
form{display:grid;gap:.35rem;margin:1rem 0}label{font-weight:600;margin-top:.5rem}
input{font:inherit;padding:.45rem .6rem;border:1px solid #767676;border-radius:4px}
button{font:inherit;font-weight:600;margin-top:.75rem;padding:.55rem 1rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer;justify-self:start}
button:focus-visible,input:focus-visible{outline:3px solid #f5b700;outline-offset:1px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.3rem 0}th[scope=row]{font-weight:600;width:9rem}code{font-size:.95em;word-break:break-all}
.note{color:#444;font-size:.95rem}.warning{border-left:4px solid #b3261e;background:#fdecea;padding:.5rem .75rem}
.error{border-left:4px solid #b3261e;background:#fdecea;padding:.5rem .75rem;font-weight:600}
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

export type LandingOutcome =
  | { readonly kind: 'form' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'settings'
      /** Usernames and DAV URLs expanded for the user: people, like Apple, substitute no placeholders. */
      readonly account: UserAccount
      /** The pair the Apple profile installs, so what people read matches what it sets up (§3.3). */
      readonly servers: PrimaryServers<AccountServer>
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

function settings(input: LandingInput, outcome: Extract<LandingOutcome, { kind: 'settings' }>): HtmlFragment {
  const { account, servers } = outcome
  const { who } = account
  return html`
<section aria-labelledby="apple">
<h2 id="apple">iPhone, iPad and Mac</h2>
<p>Download the configuration profile, then install it: on iPhone and iPad in <strong>Settings → Profile
Downloaded</strong> (within 8 minutes), on a Mac in <strong>System Settings → Privacy &amp; Security →
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
</section>
<section aria-labelledby="manual">
<h2 id="manual">Settings for other mail apps</h2>
${serverTable('Incoming mail', servers.incoming)}
${serverTable('Outgoing mail', servers.outgoing)}
${account.davServers.length > 0
    ? html`<table>
<caption>Calendars and contacts</caption>
<tbody>${account.davServers.map(
        (d) => html`
<tr><th scope="row">${DAV_LABEL[d.type]}</th><td><code>${d.url}</code><br>Username: <code>${d.username}</code></td></tr>`,
      )}
</tbody>
</table>`
    : null}
</section>`
}

/** The whole page; pure. The status code is the route's business. */
export function renderLanding(input: LandingInput): string {
  const { outcome } = input
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up your email</title>
<style>${new HtmlFragment(LANDING_STYLE)}</style>
</head>
<body>
<main>
<h1>Set up your email</h1>
<p>Enter your email address to get the settings for your mail app, and a profile that sets up Mail on
iPhone, iPad and Mac in one step.</p>
${outcome.kind === 'error' ? html`<p class="error" role="alert">${outcome.message}</p>` : null}
<form method="get" action="/">
<label for="emailaddress">Email address</label>
<input id="emailaddress" name="${FIELD.address}" type="email" autocomplete="email" required value="${input.address}">
<label for="name">Your name (optional, shown to people you write to)</label>
<input id="name" name="${FIELD.name}" type="text" autocomplete="name" maxlength="100" value="${input.name}">
<button type="submit">Show my settings</button>
</form>
${outcome.kind === 'settings' ? settings(input, outcome) : null}
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
