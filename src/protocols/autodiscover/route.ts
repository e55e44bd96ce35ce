/**
 * Microsoft Autodiscover POX (Outlook, eM Client, Thunderbird's Exchange path) and ActiveSync
 * mobilesync (iOS/Android Exchange accounts) on one URL: POST /autodiscover/autodiscover.xml in
 * any letter case, and /autodiscover.xml (docs/clients.md §2.1–2.8).
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { describeFailure, protocolRouter, RETRY_AFTER, type Failure } from '../../app/failures'
import type { AppEnv } from '../../app/env'
import { requestHostname, requestIsHttps } from '../../app/request-facts'
import { countAs } from '../../app/metrics'
import { resolveForRequest } from '../../app/resolve'
import { passwordServices } from '../../core/account'
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress } from '../../core/address'
import { anyCasePath } from './any-case-path'
import { ERROR_MEANING, formatErrorTime, renderAutodiscoverError, serverIdFor, type AutodiscoverErrorCode } from './error-document'
import { renderMobileSync, renderPoxSettings } from './render'

const POX_PATHS = ['/autodiscover/autodiscover.xml', '/autodiscover.xml']
const POX_BODY_LIMIT = 64 * 1024

// §2.3: 200 with a text/xml type. Answers are per user (expanded login names): never cached (§5.6).
const XML_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' }

/** §2.5: an error is a document sent with HTTP 200, stamped with the time and this server's Id. */
function errorDocument(c: Context<AppEnv>, code: AutodiscoverErrorCode, message: string = ERROR_MEANING[code], status: 200 | 503 = 200) {
  const stamp = { time: formatErrorTime(new Date()), id: serverIdFor(requestHostname(c)) }
  return c.body(renderAutodiscoverError(code, message, stamp), status, status === 503 ? { ...XML_HEADERS, ...RETRY_AFTER } : XML_HEADERS)
}

/**
 * §2.5: 600 for what cannot be read, 500 for an address nobody here serves (README "Unknown
 * domains"); an outage is 603, with HTTP 503 so that proxies and monitors see it too.
 */
const ERROR_CODE: Record<Failure['kind'], AutodiscoverErrorCode> = { 'bad-request': 600, 'unknown-domain': 500, unavailable: 603 }

const { router, fail } = protocolRouter((c, failure) =>
  errorDocument(c, ERROR_CODE[failure.kind], describeFailure(failure), failure.kind === 'unavailable' ? 503 : 200),
)

// Credentials: clients send Basic auth with the real password here (§5.7). It is never required,
// never read, and neither it nor the body is ever logged.
async function servePost(c: Context<AppEnv>) {
  const body = await c.req.text()
  // The body parser (fast-xml-parser) is imported on the first POST, not at every start-up: most
  // requests are GETs of other protocols (docs/ARCHITECTURE.md "Start-up").
  const { parseAutodiscoverRequest } = await import('./request')
  const request = parseAutodiscoverRequest(body)
  if (!request.ok) {
    if (request.error.kind === 'unsupported-schema') return errorDocument(c, 601, request.error.message)
    return fail(c, { kind: 'bad-request', message: request.error.message })
  }
  // Same URL, another protocol (§2.8): counted apart.
  if (request.value.schema === 'mobilesync') c.set('protocol', 'mobilesync')
  const who = parseEmailAddress(request.value.emailAddress)
  if (!who.ok) return fail(c, { kind: 'bad-request', message: `EMailAddress: ${ADDRESS_ERROR_MESSAGES[who.error]}` })
  const account = await resolveForRequest(c, { domain: who.value.domain, who: who.value })
  if (!account) return fail(c, { kind: 'unknown-domain', domain: who.value.domain })
  if (request.value.schema === 'mobilesync') {
    // §2.8: without an EAS server, 601; never a MobileSync URL that does not exist.
    if (account.activeSyncUrl === null) return errorDocument(c, 601, `ActiveSync is not offered for ${account.domain}`)
    return c.body(renderMobileSync(account, account.activeSyncUrl), 200, XML_HEADERS)
  }
  const offered = passwordServices(account)
  // POX has no OAuth2 value, so OAuth2-only servers are not offered (§5.11); with none left, 501.
  if (offered.servers.length === 0 && offered.davServers.length === 0) return errorDocument(c, 501)
  return c.body(renderPoxSettings(account, request.value.schema), 200, XML_HEADERS)
}

/**
 * §2.7: over http a GET is Outlook's redirect method and gets a 302 to the https URL of the same
 * path; over https it gets the 600 document. A GET carries no address, so never settings.
 */
function serveGet(c: Context<AppEnv>) {
  if (!requestIsHttps(c)) return c.redirect(`https://${requestHostname(c)}${new URL(c.req.url).pathname}`, 302)
  return fail(c, { kind: 'bad-request', message: 'Autodiscover requests are POSTed with an EMailAddress; a GET carries none' })
}

const limitBody = bodyLimit({
  maxSize: POX_BODY_LIMIT,
  onError: (c) => c.text(`the request body is larger than ${POX_BODY_LIMIT} bytes`, 413),
})

export const autodiscover = router
for (const path of POX_PATHS.map(anyCasePath)) {
  autodiscover.post(path, countAs('autodiscover'), limitBody, servePost)
  autodiscover.get(path, countAs('autodiscover'), serveGet)
}
