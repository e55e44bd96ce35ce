/**
 * Microsoft Autodiscover POX (Outlook, eM Client, Thunderbird's Exchange path) and ActiveSync
 * mobilesync (iOS/Android Exchange accounts) on one URL: POST /autodiscover/autodiscover.xml in
 * any letter case, and /autodiscover.xml (protocols.md §2.1–2.8).
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress } from '../../core/address'
import { parseAutodiscoverRequest } from './request'
import type { AppEnv } from '../../app/env'
import { resolveAccount } from '../../core/resolve'
import { renderMobileSync, renderPoxSettings } from './render'
import {
  ERROR_MEANING,
  formatErrorTime,
  renderAutodiscoverError,
  serverIdFor,
  type AutodiscoverErrorCode,
} from './error-document'
import { requestHost, requestIsHttps } from '../../app/request-facts'
import { anyCasePath } from './any-case-path'
import { DATABASE_UNAVAILABLE, onDatabaseUnavailable, RETRY_AFTER } from '../../app/failures'

export const POX_PATHS = ['/autodiscover/autodiscover.xml', '/autodiscover.xml']
export const POX_BODY_LIMIT = 64 * 1024

// §2.3: 200 with a text/xml type. Answers are per user (expanded login names): never cached (§5).
const XML_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' }

const hostName = (c: Context<AppEnv>) => requestHost(c).replace(/:\d+$/, '')

/** §2.5: an error is a document sent with HTTP 200, stamped with the time and this server's Id. */
function errorDocument(
  c: Context<AppEnv>,
  code: AutodiscoverErrorCode,
  message: string = ERROR_MEANING[code],
  status: 200 | 503 = 200,
) {
  const stamp = { time: formatErrorTime(new Date()), id: serverIdFor(hostName(c)) }
  const headers = status === 503 ? { ...XML_HEADERS, ...RETRY_AFTER } : XML_HEADERS
  return c.body(renderAutodiscoverError(code, message, stamp), status, headers)
}

// Credentials: clients send Basic auth with the real password here (§5 "Credentials in requests").
// It is never required, never read, and neither it nor the body is ever logged.
async function servePost(c: Context<AppEnv>) {
  const request = parseAutodiscoverRequest(await c.req.text())
  if (!request.ok) return errorDocument(c, request.error.kind === 'invalid' ? 600 : 601, request.error.message)
  const who = parseEmailAddress(request.value.emailAddress)
  if (!who.ok) return errorDocument(c, 600, `EMailAddress: ${ADDRESS_ERROR_MESSAGES[who.error]}`)
  const { domain } = who.value
  c.set('domain', domain)
  const resolved = await resolveAccount(c.var.lookup, domain, who.value)
  // §2.5 recommendation: 500 for an address nobody here serves (README "Unknown domains").
  if (resolved.kind === 'unknown-domain') return errorDocument(c, 500, `no mail configuration for ${domain}`)
  if (resolved.kind === 'directory-unavailable') {
    return errorDocument(c, 603, 'the user directory is unavailable; try again shortly', 503)
  }
  const { config, user } = resolved
  if (request.value.schema === 'mobilesync') {
    // §2.8: without an EAS server, 601; never a MobileSync URL that does not exist.
    if (config.activeSyncUrl === null) return errorDocument(c, 601, `ActiveSync is not offered for ${domain}`)
    return c.body(renderMobileSync(config.activeSyncUrl, who.value, user), 200, XML_HEADERS)
  }
  if (config.servers.length === 0 && config.davServers.length === 0) return errorDocument(c, 501)
  return c.body(renderPoxSettings(config, who.value, user, request.value.schema), 200, XML_HEADERS)
}

/**
 * §2.7: over http a GET is Outlook's redirect method and gets a 302 to the https URL of the same
 * path; over https it gets the 600 document. A GET carries no address, so never settings.
 */
function serveGet(c: Context<AppEnv>) {
  if (!requestIsHttps(c)) return c.redirect(`https://${hostName(c)}${new URL(c.req.url).pathname}`, 302)
  return errorDocument(c, 600, 'Autodiscover requests are POSTed with an EMailAddress; a GET carries none')
}

const limitBody = bodyLimit({
  maxSize: POX_BODY_LIMIT,
  onError: (c) => c.text(`the request body is larger than ${POX_BODY_LIMIT} bytes`, 413),
})

export const autodiscover = new Hono<AppEnv>()
// Outlook reads an outage only from the error document: ErrorCode 603 as for the directory.
autodiscover.onError(onDatabaseUnavailable((c) => errorDocument(c, 603, DATABASE_UNAVAILABLE, 503)))
for (const path of POX_PATHS.map(anyCasePath)) {
  autodiscover.post(path, limitBody, servePost)
  autodiscover.get(path, serveGet)
}
