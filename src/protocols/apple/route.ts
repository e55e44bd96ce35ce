/**
 * Apple configuration profiles: GET or POST /mobileconfig, /mobileconfig/ (automx2's path) and
 * /email.mobileconfig (docs/clients.md §3.1). POST takes the same fields as a form, so that the
 * landing page never puts a password into a URL or an access log.
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../../app/env'
import { failAsText, protocolRouter } from '../../app/failures'
import type { Logger } from '../../app/log'
import { isLoopbackHost, requestHost, requestIsHttps } from '../../app/request-facts'
import { countAs } from '../../app/metrics'
import { resolveForRequest } from '../../app/resolve'
import { readRawQueryParam } from '../../core/address'
import { passwordServices } from '../../core/account'
import { describeMissingServer } from '../../core/server-choice'
import { deriveProfileIds } from './ids'
import { renderMobileconfig } from './render'
import { FIELD, parseProfileFields, passwordPolicy, type RawProfileFields } from './request'
import { profileSigner, type SignerSetup } from './sign'

const PATHS = ['/mobileconfig', '/mobileconfig/', '/email.mobileconfig'] as const
// §3.1: one content type for signed and unsigned profiles; signed ones are raw DER.
const PROFILE_CONTENT_TYPE = 'application/x-apple-aspen-config'
const FORM_TYPE = 'application/x-www-form-urlencoded'
const FORM_LIMIT = 16 * 1024

// Every answer of these routes may concern a password: nothing is to be stored on the way.
const NO_STORE = { 'Cache-Control': 'no-store' }

function readQuery(c: Context<AppEnv>): RawProfileFields | null {
  // The address is read raw as for Autoconfig (docs/clients.md §1.2): a literal `+` stays a `+`.
  // Name and password follow form encoding like automx2 (Flask) and HTML GET forms: `+` is a space.
  const address = readRawQueryParam(c.req.url, FIELD.address)
  if (address === undefined) return null
  const query = new URL(c.req.url).searchParams
  return { address, name: query.get(FIELD.name), password: query.get(FIELD.password) }
}

/** A file name that is safe in a quoted header parameter whatever the domain holds. */
function profileFileName(domain: string): string {
  return `${domain.replace(/[^A-Za-z0-9.-]/g, '_').replace(/^\.+/, '') || 'email'}.mobileconfig`
}

const { router, fail } = protocolRouter((c, failure) => failAsText(c, failure, NO_STORE))

/** Whether this request may put a password into a profile (request.ts passwordPolicy). */
export const profilePasswordPolicy = (c: Context<AppEnv>) => passwordPolicy(c.env.PERMIT_CLEARTEXT_PASSWORDS, requestIsHttps(c), isLoopbackHost(requestHost(c)))

async function serveProfile(c: Context<AppEnv>, raw: RawProfileFields) {
  const parsed = parseProfileFields(raw)
  if (!parsed.ok) return fail(c, { kind: 'bad-request', message: parsed.error })
  const { who, name } = parsed.value
  c.set('domain', who.domain)
  let password = parsed.value.password
  if (password !== null) {
    const policy = profilePasswordPolicy(c)
    if (policy === 'off') {
      // automx2's behaviour: ignore it and say so in the log (never the password itself).
      c.var.log.log('warn', 'password ignored: PERMIT_CLEARTEXT_PASSWORDS is not enabled', { domain: who.domain })
      password = null
    } else if (policy === 'needs-https') {
      return fail(c, { kind: 'bad-request', message: 'a password is only accepted over https; leave it empty or use https' })
    }
  }

  const account = await resolveForRequest(c, { domain: who.domain, who, typedName: name })
  if (!account) return fail(c, { kind: 'unknown-domain', domain: who.domain })
  if (!account.primary.ok) return c.text(describeMissingServer(who.domain, account.primary.error), 404, NO_STORE)

  const setup = await profileSigner(c.env)
  logSignerWarnings(c.var.log, setup)
  if (setup.kind === 'broken') {
    // Never fall back to an unsigned profile: the operator asked for signatures.
    c.var.log.log('error', 'mobileconfig signing is misconfigured', { reason: setup.reason })
    return c.text('the profile cannot be signed: the signing certificate is misconfigured (see the server log)', 500, NO_STORE)
  }
  const ids = await deriveProfileIds(who, passwordServices(account).davServers)
  const profile = renderMobileconfig({ account, servers: account.primary.value, ids, password })
  const body = setup.kind === 'ready' ? await setup.signer.sign(new TextEncoder().encode(profile), new Date()) : profile
  return c.body(body, 200, {
    ...NO_STORE,
    'Content-Type': PROFILE_CONTENT_TYPE,
    'Content-Disposition': `attachment; filename="${profileFileName(who.domain)}"`,
    'X-Content-Type-Options': 'nosniff',
  })
}

const warned = new WeakSet<SignerSetup>()

/**
 * A signer's warnings (expiry, key size) reach the log once per setup, not with every profile:
 * on Node at start-up (src/node/main.ts), on Workers with the first profile of an isolate.
 */
export function logSignerWarnings(log: Logger, setup: SignerSetup): void {
  if (setup.kind !== 'ready' || setup.warnings.length === 0 || warned.has(setup)) return
  warned.add(setup)
  for (const warning of setup.warnings) log.log('warn', 'mobileconfig signing certificate', { warning })
}

export const mobileconfig = router
for (const path of PATHS) {
  mobileconfig.get(path, countAs('mobileconfig'), (c) => {
    const raw = readQuery(c)
    if (raw === null) return fail(c, { kind: 'bad-request', message: 'the query is not valid percent-encoded UTF-8' })
    return serveProfile(c, raw)
  })
  mobileconfig.post(
    path,
    countAs('mobileconfig'),
    bodyLimit({ maxSize: FORM_LIMIT, onError: (c) => c.text(`the form is larger than ${FORM_LIMIT} bytes`, 413, NO_STORE) }),
    async (c) => {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
      if (type !== FORM_TYPE) return c.text(`send the fields as ${FORM_TYPE}`, 415, NO_STORE)
      // Decoded by hand: Request.text() on a non-text type makes workerd log a warning per request.
      const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))
      return serveProfile(c, { address: form.get(FIELD.address), name: form.get(FIELD.name), password: form.get(FIELD.password) })
    },
  )
}
