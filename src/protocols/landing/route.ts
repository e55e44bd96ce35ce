/**
 * GET /: the landing page (render.ts). With `emailaddress` in the query it resolves the address and
 * shows its settings; the password field, when enabled, lives only in the POST form to
 * /mobileconfig, so a password never travels in this page's URL.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../app/env'
import { protocolRouter, RETRY_AFTER, type Failure } from '../../app/failures'
import { countAs } from '../../app/metrics'
import { resolveForRequest } from '../../app/resolve'
import { describeMissingServer } from '../../core/server-choice'
import { FIELD, parseProfileFields } from '../apple/request'
import { profilePasswordPolicy } from '../apple/route'
import { LANDING_STYLE, renderLanding, type LandingOutcome } from './render'

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

type PageStatus = 200 | 400 | 404 | 503

// The page's own GET form sends standard form encoding (`+` for a space, `%2B` for a plus).
const typed = (c: Context<AppEnv>, field: string) => new URL(c.req.url).searchParams.get(field) ?? ''

/** The page with its headers, the form refilled with what the user typed. */
async function respondWithPage(c: Context<AppEnv>, status: PageStatus, outcome: LandingOutcome) {
  const address = typed(c, FIELD.address)
  const page = renderLanding({ address, name: typed(c, FIELD.name), passwordsEnabled: profilePasswordPolicy(c) === 'accepted', outcome })
  return c.html(page, status, {
    'Content-Security-Policy': await landingCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // A page naming an address is per-user; the bare form may be cached briefly (never an error).
    'Cache-Control': address || status !== 200 ? 'no-store' : 'public, max-age=300',
    ...(status === 503 ? RETRY_AFTER : {}),
  })
}

/** Failures in words for people rather than for mail clients. */
function forPeople(failure: Failure): string {
  switch (failure.kind) {
    case 'bad-request':
      return failure.message
    case 'unknown-domain':
      return `There are no settings for ${failure.domain} here.`
    case 'unavailable':
      return failure.dependency === 'directory'
        ? 'The user directory is unavailable; please try again in a minute.'
        : 'The settings cannot be read right now; please try again in a minute.'
  }
}

const STATUS: Record<Failure['kind'], PageStatus> = { 'bad-request': 400, 'unknown-domain': 404, unavailable: 503 }

const { router, fail } = protocolRouter((c, failure) => respondWithPage(c, STATUS[failure.kind], { kind: 'error', message: forPeople(failure) }))

export const site = router
site.get('/', countAs('landing'), async (c) => {
  const address = typed(c, FIELD.address)
  if (address.trim() === '') return respondWithPage(c, 200, { kind: 'form' })
  const parsed = parseProfileFields({ address, name: typed(c, FIELD.name), password: null })
  if (!parsed.ok) return fail(c, { kind: 'bad-request', message: parsed.error.replace(`${FIELD.address}: `, '') })
  const { who, name } = parsed.value
  const account = await resolveForRequest(c, { domain: who.domain, who, typedName: name })
  if (!account) return fail(c, { kind: 'unknown-domain', domain: who.domain })
  if (!account.primary.ok) return respondWithPage(c, 404, { kind: 'error', message: `${describeMissingServer(who.domain, account.primary.error)}.` })
  return respondWithPage(c, 200, { kind: 'settings', account, servers: account.primary.value })
})
