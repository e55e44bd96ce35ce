/**
 * GET /: the landing page (render/landing.ts). With `emailaddress` in the query it looks the
 * domain up and shows that address's settings; the password field, when enabled, lives only in
 * the POST form to /mobileconfig, so a password never travels in this page's URL.
 */
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../env'
import { resolveAccount } from '../lookup'
import { FIELD, parseProfileFields, passwordsPermitted } from '../profile-request'
import { chooseAccountServers } from '../render/account-servers'
import { LANDING_STYLE, renderLanding, type LandingOutcome } from '../render/landing'

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

export const site = new Hono<AppEnv>()
site.get('/', async (c) => {
  // The page's own GET form sends standard form encoding (`+` for a space, `%2B` for a plus).
  const query = new URL(c.req.url).searchParams
  const address = query.get(FIELD.address) ?? ''
  const name = query.get(FIELD.name) ?? ''
  const { status, outcome } = await outcomeFor(c, address, name)
  const page = renderLanding({ address, name, passwordsEnabled: passwordsPermitted(c.env.PERMIT_CLEARTEXT_PASSWORDS), outcome })
  return c.html(page, status, {
    'Content-Security-Policy': await landingCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // A page naming an address is per-user; the bare form may be cached briefly.
    'Cache-Control': address ? 'no-store' : 'public, max-age=300',
  })
})
