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
import { ADDRESS_ERROR_MESSAGES, domainFromHost, parseEmailAddress, readRawQueryParam } from '../../core/address'
import type { EmailAddress } from '../../core/model'
import { sharedCacheControl } from '../../db/domain-cache'
import { renderAutoconfig } from './render'

const EMAIL_PARAM = 'emailaddress'
// Quirk(Thunderbird): it parses the body only for a text/xml, application/xml or text/rdf type
// (docs/clients.md §1.3).
const XML_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8' }

/** docs/clients.md §5.6: a document that depends on the user (a directory was asked) is `no-store`. */
function cacheControl(perUser: boolean, ttlSetting: string | undefined): string {
  return perUser ? 'no-store' : sharedCacheControl(ttlSetting)
}

type Target = { readonly domain: string; readonly who: EmailAddress | null } | { readonly problem: string }

function parseRequest(c: Context<AppEnv>): Target {
  const raw = readRawQueryParam(c.req.url, EMAIL_PARAM)
  if (raw === undefined) return { problem: `${EMAIL_PARAM} is not valid percent-encoded UTF-8` }
  if (raw === null || raw.trim() === '') {
    // No address (a Thunderbird pref can withhold it, KDE never sends one; §5.3): the Host names
    // the domain and the document is the generic one, with placeholders.
    const domain = domainFromHost(requestHost(c))
    return domain === null ? { problem: `${EMAIL_PARAM} is missing and the host name names no mail domain` } : { domain, who: null }
  }
  const parsed = parseEmailAddress(raw)
  if (!parsed.ok) return { problem: `${EMAIL_PARAM}: ${ADDRESS_ERROR_MESSAGES[parsed.error]}` }
  return { domain: parsed.value.domain, who: parsed.value }
}

const { router, fail } = protocolRouter((c, failure) => failAsText(c, failure))

async function serveAutoconfig(c: Context<AppEnv>) {
  const target = parseRequest(c)
  if ('problem' in target) return fail(c, { kind: 'bad-request', message: target.problem })
  // Without a directory every user of a domain gets the same document (placeholders, §1.4): it is
  // rendered once and kept with the domain's cache entry.
  const document = await resolveDocumentForRequest(c, target, 'autoconfig', (account) => ({ status: 200, body: renderAutoconfig(account) }))
  if (!document) return fail(c, { kind: 'unknown-domain', domain: target.domain })
  return c.body(document.body, document.status, {
    ...XML_HEADERS,
    'Cache-Control': cacheControl(document.perUser, c.env.CONFIG_CACHE_TTL_SECONDS),
  })
}

export const autoconfig = router
autoconfig.get('/mail/config-v1.1.xml', countAs('autoconfig'), serveAutoconfig)
autoconfig.get('/.well-known/autoconfig/mail/config-v1.1.xml', countAs('autoconfig'), serveAutoconfig)
