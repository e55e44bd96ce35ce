/**
 * Autodiscover v2 (JSON; Outlook for Mac, Microsoft 365 Apps; protocols.md §2.9):
 * GET /autodiscover/autodiscover.json?Email=…&Protocol=… and
 * GET /autodiscover/autodiscover.json/v1.0/<address>?Protocol=…, in any letter case.
 */
import { Hono, type Context } from 'hono'
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress, readRawQueryParam } from '../../core/address'
import type { AppEnv } from '../../app/env'
import { resolveAccount } from '../../core/resolve'
import { answerAutodiscoverV2, invalidProtocol, parseV2Protocol, v2Error, type V2Answer } from './v2-render'
import { requestHost } from '../../app/request-facts'
import { anyCasePath } from './any-case-path'
import { DATABASE_UNAVAILABLE, onDatabaseUnavailable, RETRY_AFTER } from '../../app/failures'

const EMAIL_PARAM = 'Email'
const PROTOCOL_PARAM = 'Protocol'
const QUERY_PATH = '/autodiscover/autodiscover.json'
const ADDRESS_PATH = '/autodiscover/autodiscover.json/v1.0/:address'
// The address is the fifth segment of the path as sent: /autodiscover/autodiscover.json/v1.0/<address>.
const ADDRESS_SEGMENT = 4

const NO_STORE = { 'Cache-Control': 'no-store' }
const respond = (c: Context<AppEnv>, answer: V2Answer) => c.json(answer.body, answer.status, NO_STORE)
/** The v2 error shape for a 503 (directory or database down). */
const unavailable = (c: Context<AppEnv>, message: string) =>
  c.json({ ErrorCode: 'ServiceUnavailable', ErrorMessage: message }, 503, { ...NO_STORE, ...RETRY_AFTER })

/** The address segment of the original (not case-normalised) path, percent-decoded. */
function addressFromPath(url: string): string | undefined {
  const segment = new URL(url).pathname.split('/')[ADDRESS_SEGMENT] ?? ''
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

async function serveV2(c: Context<AppEnv>, rawAddress: string | null | undefined) {
  if (rawAddress === undefined) return respond(c, v2Error(400, 'InvalidUser', 'the address is not valid percent-encoded UTF-8'))
  const who = parseEmailAddress(rawAddress)
  if (!who.ok) return respond(c, v2Error(400, 'InvalidUser', ADDRESS_ERROR_MESSAGES[who.error]))
  const protocolParam = readRawQueryParam(c.req.url, PROTOCOL_PARAM) ?? null
  const protocol = parseV2Protocol(protocolParam)
  if (protocol === null) return respond(c, invalidProtocol(protocolParam))
  const { domain } = who.value
  c.set('domain', domain)
  // Only the domain matters here (a URL, no user settings), so no directory lookup.
  const resolved = await resolveAccount(c.var.lookup, domain, null)
  if (resolved.kind === 'unknown-domain') return respond(c, v2Error(404, 'NotFound', `no mail configuration for ${domain}`))
  if (resolved.kind === 'directory-unavailable') {
    return unavailable(c, 'the user directory is unavailable; try again shortly')
  }
  return respond(c, answerAutodiscoverV2(protocol, requestHost(c), resolved.config.activeSyncUrl))
}

export const autodiscoverV2 = new Hono<AppEnv>()
autodiscoverV2.onError(onDatabaseUnavailable((c) => unavailable(c, DATABASE_UNAVAILABLE)))
autodiscoverV2.get(anyCasePath(QUERY_PATH), (c) => serveV2(c, readRawQueryParam(c.req.url, EMAIL_PARAM)))
autodiscoverV2.get(anyCasePath(ADDRESS_PATH), (c) => serveV2(c, addressFromPath(c.req.url)))
