/**
 * Autodiscover v2 (JSON; Outlook for Mac, Microsoft 365 Apps, Microsoft's AutoDetect; docs/clients.md
 * §2.9): GET /autodiscover/autodiscover.json?Email=…&Protocol=… and
 * GET /autodiscover/autodiscover.json/v1.0/<address>?Protocol=…, in any letter case.
 */
import type { Context } from 'hono'
import { describeFailure, protocolRouter, RETRY_AFTER, type Failure } from '../../app/failures'
import type { AppEnv } from '../../app/env'
import { requestHost } from '../../app/request-facts'
import { countAs } from '../../app/metrics'
import { resolveDocumentForRequest } from '../../app/resolve'
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress, readRawQueryParam } from '../../core/address'
import { anyCasePath } from './any-case-path'
import { answerAutodiscoverV2, invalidProtocol, parseV2Protocol, type V2Answer } from './v2-render'

const EMAIL_PARAM = 'Email'
const PROTOCOL_PARAM = 'Protocol'
const QUERY_PATH = '/autodiscover/autodiscover.json'
const ADDRESS_PATH = '/autodiscover/autodiscover.json/v1.0/:address'
// The address is the fifth segment of the path as sent: /autodiscover/autodiscover.json/v1.0/<address>.
const ADDRESS_SEGMENT = 4

const NO_STORE = { 'Cache-Control': 'no-store' }
// What c.json sends, for a body serialised once and kept (resolveDocumentForRequest).
const JSON_NO_STORE = { 'Content-Type': 'application/json', ...NO_STORE }
const respond = (c: Context<AppEnv>, answer: V2Answer) => c.json(answer.body, answer.status, NO_STORE)

/** The v2 error body of each failure: Microsoft's codes where it has them. */
const ERROR: Record<Failure['kind'], { readonly code: string; readonly status: 400 | 404 | 503 }> = {
  'bad-request': { code: 'InvalidUser', status: 400 },
  'unknown-domain': { code: 'NotFound', status: 404 },
  unavailable: { code: 'ServiceUnavailable', status: 503 },
}

const { router, fail } = protocolRouter((c, failure) => {
  const { code, status } = ERROR[failure.kind]
  return c.json({ ErrorCode: code, ErrorMessage: describeFailure(failure) }, status, status === 503 ? { ...NO_STORE, ...RETRY_AFTER } : NO_STORE)
})

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
  if (rawAddress === undefined) return fail(c, { kind: 'bad-request', message: 'the address is not valid percent-encoded UTF-8' })
  const who = parseEmailAddress(rawAddress)
  if (!who.ok) return fail(c, { kind: 'bad-request', message: ADDRESS_ERROR_MESSAGES[who.error] })
  const protocolParam = readRawQueryParam(c.req.url, PROTOCOL_PARAM) ?? null
  const protocol = parseV2Protocol(protocolParam)
  if (protocol === null) return respond(c, invalidProtocol(protocolParam))
  // Only the domain matters here (an endpoint URL, no user settings), so no directory lookup, and
  // the answer is made once per cached domain, protocol and Host (the POX URL is built from it).
  const host = requestHost(c)
  const document = await resolveDocumentForRequest(c, { domain: who.value.domain, who: null }, `autodiscover.json ${protocol} ${host}`, (account) => {
    const answer = answerAutodiscoverV2(protocol, host, account.activeSyncUrl)
    return { status: answer.status, body: JSON.stringify(answer.body) }
  })
  if (!document) return fail(c, { kind: 'unknown-domain', domain: who.value.domain })
  return c.body(document.body, document.status, JSON_NO_STORE)
}

export const autodiscoverV2 = router
autodiscoverV2.get(anyCasePath(QUERY_PATH), countAs('autodiscover_json'), (c) => serveV2(c, readRawQueryParam(c.req.url, EMAIL_PARAM)))
autodiscoverV2.get(anyCasePath(ADDRESS_PATH), countAs('autodiscover_json'), (c) => serveV2(c, addressFromPath(c.req.url)))
