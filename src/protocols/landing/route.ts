/**
 * GET /: the landing page (render/landing.ts). With `emailaddress` in the query it looks the
 * domain up and shows that address's settings; the password field, when enabled, lives only in
 * the POST form to /mobileconfig, so a password never travels in this page's URL.
 */
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../../app/env'
import { resolveAccount } from '../../core/resolve'
import { FIELD, parseProfileFields, passwordsPermitted } from '../apple/request'
import { chooseAccountServers } from '../../core/account-servers'
import { LANDING_STYLE, renderLanding, type LandingOutcome } from './render'
import { onDatabaseUnavailable, RETRY_AFTER } from '../../app/failures'

let contentSecurityPolicy: Promise<string> | undefined

/**
 * Nothing may load or run except the page's own inline style, allowed by its hash; forms may only
 * post to this origin; the page may not be framed.
 */
function landingCsp(): Promise<string> {
  contentSecurityPolicy ??= crypto.subtle.digest('SHA-256', new TextEncoder().encode(LANDING_STYLE)).then((digest) => {
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)))
    return `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`
  })
  return contentSecurityPolicy
}

async function outcomeFor(c: Context<AppEnv>, address: string, name: string): Promise<{ status: 200 | 400 | 404 | 503; outcome: LandingOutcome }> {
  if (address.trim() === '') return { status: 200, outcome: { kind: 'form' } }
  const parsed = parseProfileFields({ address, name, password: null })
  if (!parsed.ok) return { status: 400, outcome: { kind: 'error', message: parsed.error.replace(`${FIELD.address}: `, '') } }
  const { who } = parsed.value
  c.set('domain', who.domain)
  const resolved = await resolveAccount(c.var.lookup, who.domain, who)
  if (resolved.kind === 'unknown-domain') return { status: 404, outcome: { kind: 'error', message: `There are no settings for ${who.domain} here.` } }
  if (resolved.kind === 'directory-unavailable') return { status: 503, outcome: { kind: 'error', message: 'The user directory is unavailable; please try again in a minute.' } }
  const servers = chooseAccountServers(resolved.config.servers)
  if (!servers.ok) return { status: 404, outcome: { kind: 'error', message: `${who.domain} has no ${servers.error} mail server configured.` } }
  return { status: 200, outcome: { kind: 'settings', config: resolved.config, who, user: resolved.user, servers: servers.value } }
}

/** The page with its headers; `address` is what the user typed (refilled into the form). */
async function respondWithPage(c: Context<AppEnv>, address: string, name: string, status: 200 | 400 | 404 | 503, outcome: LandingOutcome) {
  const page = renderLanding({ address, name, passwordsEnabled: passwordsPermitted(c.env.PERMIT_CLEARTEXT_PASSWORDS), outcome })
  return c.html(page, status, {
    'Content-Security-Policy': await landingCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // A page naming an address is per-user; the bare form may be cached briefly (never an error).
    'Cache-Control': address || status !== 200 ? 'no-store' : 'public, max-age=300',
    ...(status === 503 ? RETRY_AFTER : {}),
  })
}

// The page's own GET form sends standard form encoding (`+` for a space, `%2B` for a plus).
const typed = (c: Context<AppEnv>, field: string) => new URL(c.req.url).searchParams.get(field) ?? ''

export const site = new Hono<AppEnv>()
site.onError(onDatabaseUnavailable((c) =>
  respondWithPage(c, typed(c, FIELD.address), typed(c, FIELD.name), 503, { kind: 'error', message: 'The settings cannot be read right now; please try again in a minute.' }),
))
site.get('/', async (c) => {
  const address = typed(c, FIELD.address)
  const name = typed(c, FIELD.name)
  const { status, outcome } = await outcomeFor(c, address, name)
  return respondWithPage(c, address, name, status, outcome)
})
