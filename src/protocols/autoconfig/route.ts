/**
 * Mozilla Autoconfig: GET /mail/config-v1.1.xml and /.well-known/autoconfig/mail/config-v1.1.xml,
 * the URLs Thunderbird, Thunderbird for Android, FairEmail, Evolution, Delta Chat and KDE try
 * (docs/clients.md §1.1). Parse → resolve → render → respond.
 */
import type { Context } from 'hono'
import { failAsText, protocolRouter } from '../../app/failures'
import type { AppEnv } from '../../app/env'
import { requestHost } from '../../app/request-facts'
import { countAs } from '../../app/metrics'
import { resolveDocumentForRequest } from '../../app/resolve'
import type { WarmAnswer } from '../../app/warm-answers'
import type { ResolvedAccount } from '../../core/account'
import { ADDRESS_ERROR_MESSAGES, domainFromHost, parseEmailAddress, readRawQueryParam } from '../../core/address'
import type { EmailAddress } from '../../core/model'
import { cachedDocument } from '../../core/resolve'
import { sharedCacheControl, type DomainCache, type RenderedDocument } from '../../db/domain-cache'
import { renderAutoconfig } from './render'

/** The paths this router serves (docs/clients.md §1.1). */
export const AUTOCONFIG_PATHS: readonly string[] = ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml']

const EMAIL_PARAM = 'emailaddress'
/** The key of the document in the domain cache entry (db/domain-cache.ts). */
const DOCUMENT_KEY = 'autoconfig'

const renderDocument = (account: ResolvedAccount): RenderedDocument => ({ status: 200, body: renderAutoconfig(account) })

/**
 * The answer's headers. Quirk(Thunderbird): it parses the body only for a text/xml, application/xml
 * or text/rdf type (docs/clients.md §1.3). A document that depends on the user (a directory was
 * asked) is `no-store` (§5.6).
 */
function answerHeaders(perUser: boolean, ttlSetting: string | undefined): Record<string, string> {
  return { 'content-type': 'text/xml; charset=utf-8', 'cache-control': perUser ? 'no-store' : sharedCacheControl(ttlSetting) }
}

type Target = { readonly domain: string; readonly who: EmailAddress | null } | { readonly problem: string }

function parseRequest(url: string, host: string): Target {
  const raw = readRawQueryParam(url, EMAIL_PARAM)
  if (raw === undefined) return { problem: `${EMAIL_PARAM} is not valid percent-encoded UTF-8` }
  if (raw === null || raw.trim() === '') {
    // No address (a Thunderbird pref can withhold it, KDE never sends one; §5.3): the Host names
    // the domain and the document is the generic one, with placeholders.
    const domain = domainFromHost(host)
    return domain === null ? { problem: `${EMAIL_PARAM} is missing and the host name names no mail domain` } : { domain, who: null }
  }
  const parsed = parseEmailAddress(raw)
  if (!parsed.ok) return { problem: `${EMAIL_PARAM}: ${ADDRESS_ERROR_MESSAGES[parsed.error]}` }
  return { domain: parsed.value.domain, who: parsed.value }
}

const { router, fail } = protocolRouter((c, failure) => failAsText(c, failure))

async function serveAutoconfig(c: Context<AppEnv>) {
  const target = parseRequest(c.req.url, requestHost(c))
  if ('problem' in target) return fail(c, { kind: 'bad-request', message: target.problem })
  // Without a directory every user of a domain gets the same document (placeholders, §1.4): it is
  // rendered once and kept with the domain's cache entry.
  const document = await resolveDocumentForRequest(c, target, DOCUMENT_KEY, renderDocument)
  if (!document) return fail(c, { kind: 'unknown-domain', domain: target.domain })
  return c.body(document.body, document.status, answerHeaders(document.perUser, c.env.CONFIG_CACHE_TTL_SECONDS))
}

/**
 * The answer serveAutoconfig gives, when the domain cache alone holds it (app/warm-answers.ts);
 * undefined for every other request, which then goes through the app.
 */
export function warmAutoconfig(url: string, host: string, cache: DomainCache, ttlSetting: string | undefined): WarmAnswer | undefined {
  const target = parseRequest(url, host)
  if ('problem' in target) return undefined
  const document = cachedDocument(cache, target, DOCUMENT_KEY, renderDocument)
  if (!document) return undefined
  return { domain: target.domain, status: document.status, headers: answerHeaders(false, ttlSetting), body: document.body, document }
}

export const autoconfig = router
for (const path of AUTOCONFIG_PATHS) autoconfig.get(path, countAs('autoconfig'), serveAutoconfig)
