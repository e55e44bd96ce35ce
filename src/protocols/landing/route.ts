/**
 * GET /: the landing page (render.ts). With `emailaddress` in the query it resolves the address and
 * shows its settings; the password field, when enabled, lives only in the POST form to
 * /mobileconfig, so a password never travels in this page's URL (nor in the QR code's link).
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../app/env'
import { protocolRouter, RETRY_AFTER, type Failure } from '../../app/failures'
import { countAs } from '../../app/metrics'
import { requestFacts } from '../../app/request-facts'
import { resolveForRequest } from '../../app/resolve'
import { parseEmailAddress } from '../../core/address'
import type { EmailAddress } from '../../core/model'
import { FIELD, parseProfileFields } from '../apple/request'
import { logSignerWarnings, profilePasswordPolicy } from '../apple/route'
import { profileSigner } from '../apple/sign'
import { LANDING_STYLE, logoOrigin, pageProvider, renderLanding, type LandingOutcome, type LandingProblem, type ProfileSignature } from './render'

let styleSource: Promise<string> | undefined

/** The CSP source of the page's one inline style block: its hash, computed once. */
function styleHash(): Promise<string> {
  styleSource ??= crypto.subtle.digest('SHA-256', new TextEncoder().encode(LANDING_STYLE)).then((digest) => `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`)
  return styleSource
}

/**
 * Nothing may load or run except the page's own inline style, allowed by its hash, and the
 * provider's logo, allowed by its origin alone (not `https:`, which would let any injected image
 * reach any host; not the full URL, which CSP matches by path only before a redirect and which
 * would need its own escaping). Forms may only post to this origin; the page may not be framed.
 * The QR code is inline SVG and needs no source.
 */
async function landingCsp(imageOrigin: string | null): Promise<string> {
  const images = imageOrigin ? ` img-src ${imageOrigin};` : ''
  return `default-src 'none'; style-src ${await styleHash()};${images} form-action 'self'; base-uri 'none'; frame-ancestors 'none'`
}

type PageStatus = 200 | 400 | 404 | 503

const STATUS: Record<LandingProblem['kind'], PageStatus> = {
  address: 400,
  name: 400,
  unreadable: 400,
  'unknown-domain': 404,
  'missing-server': 404,
  unavailable: 503,
}

// The page's own GET form sends standard form encoding (`+` for a space, `%2B` for a plus).
const typed = (c: Context<AppEnv>, field: string) => new URL(c.req.url).searchParams.get(field) ?? ''

/** The page with its headers, the form refilled with what the user typed. */
async function respondWithPage(c: Context<AppEnv>, status: PageStatus, outcome: LandingOutcome) {
  const address = typed(c, FIELD.address)
  const page = renderLanding({ address, name: typed(c, FIELD.name), passwordsEnabled: profilePasswordPolicy(c) === 'accepted', outcome })
  return c.html(page, status, {
    'Content-Security-Policy': await landingCsp(logoOrigin(pageProvider(outcome))),
    'X-Content-Type-Options': 'nosniff',
    // Also keeps the address in this page's URL from reaching the logo's host.
    'Referrer-Policy': 'no-referrer',
    // A page naming an address is per-user; the bare form may be cached briefly (never an error).
    'Cache-Control': address || status !== 200 ? 'no-store' : 'public, max-age=300',
    ...(status === 503 ? RETRY_AFTER : {}),
  })
}

const fail = (c: Context<AppEnv>, problem: LandingProblem) => respondWithPage(c, STATUS[problem.kind], { kind: 'error', problem })

/** The router's failures (outages thrown below the route) as problems for people. */
function asProblem(failure: Failure): LandingProblem {
  switch (failure.kind) {
    case 'bad-request':
      return { kind: 'unreadable' }
    case 'unknown-domain':
      return { kind: 'unknown-domain', domain: failure.domain }
    case 'unavailable':
      return { kind: 'unavailable', dependency: failure.dependency }
  }
}

const { router } = protocolRouter((c, failure) => fail(c, asProblem(failure)))

/** The domain as the user typed it (an IDN in Unicode, as they know it), for messages. */
const typedDomain = (address: string, who: EmailAddress) => address.slice(address.lastIndexOf('@') + 1).trim().replace(/\.$/, '') || who.domain

/**
 * What iOS will say about the profile, from the same signer the profile route uses (set up once
 * per isolate, so this costs nothing after the first request); its warnings are logged once.
 */
async function profileSignature(c: Context<AppEnv>): Promise<ProfileSignature> {
  const setup = await profileSigner(c.env)
  logSignerWarnings(c.var.log, setup)
  return setup.kind === 'ready' ? 'signed' : setup.kind === 'off' ? 'unsigned' : 'unavailable'
}

/**
 * The profile's GET URL for this address and name, absolute (the QR code leaves this page), on
 * the host and scheme the client used. The address is percent-encoded, as the profile route reads
 * it raw (a `+` stays a `+`).
 */
function profileUrl(c: Context<AppEnv>, who: EmailAddress, name: string | null): string {
  const facts = requestFacts(c)
  const query = `${FIELD.address}=${encodeURIComponent(who.address)}${name ? `&${FIELD.name}=${encodeURIComponent(name)}` : ''}`
  return `${facts.https ? 'https' : 'http'}://${facts.host}/mobileconfig?${query}`
}

export const site = router
site.get('/', countAs('landing'), async (c) => {
  const address = typed(c, FIELD.address)
  if (address.trim() === '') return respondWithPage(c, 200, { kind: 'form' })
  const checked = parseEmailAddress(address)
  if (!checked.ok) return fail(c, { kind: 'address', error: checked.error })
  // The address is valid, so what the profile fields refuse is the name.
  const parsed = parseProfileFields({ address, name: typed(c, FIELD.name), password: null })
  if (!parsed.ok) return fail(c, { kind: 'name' })
  const { who, name } = parsed.value
  const account = await resolveForRequest(c, { domain: who.domain, who, typedName: name })
  if (!account) return fail(c, { kind: 'unknown-domain', domain: typedDomain(address, who) })
  if (!account.primary.ok) return fail(c, { kind: 'missing-server', domain: typedDomain(address, who), missing: account.primary.error, provider: account.provider })
  const url = profileUrl(c, who, name)
  const signature = await profileSignature(c)
  const { profileQrCode } = await import('./qr')
  const profile = { url, signature, qrCode: profileQrCode(url) }
  return respondWithPage(c, 200, { kind: 'settings', account, servers: account.primary.value, profile })
})
