/**
 * Mozilla Autoconfig: GET /mail/config-v1.1.xml and /.well-known/autoconfig/mail/config-v1.1.xml
 * (the URLs Thunderbird, K-9, FairEmail and Evolution try; protocols.md §1.1).
 */
import { Hono, type Context } from 'hono'
import { ADDRESS_ERROR_MESSAGES, domainFromHost, parseEmailAddress, readRawQueryParam } from '../../core/address'
import { cacheTtlMs } from '../../db/domain-cache'
import type { AppEnv } from '../../app/env'
import { resolveAccount } from '../../core/resolve'
import type { EmailAddress } from '../../core/model'
import { renderAutoconfig } from './render'
import { requestHost } from '../../app/request-facts'
import { RETRY_AFTER } from '../../app/failures'

const EMAIL_PARAM = 'emailaddress'
// Quirk(Thunderbird): it parses the body only for a text/xml, application/xml or text/rdf type
// (protocols.md §0 item 4, §1.3).
export const XML_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8' }

/**
 * protocols.md §5 "Caching": a placeholder-only document may be cached publicly; one that depends on
 * the user (the domain has a directory and the request names a user: login name or display name
 * from LDAP, or the lack of an entry) is `no-store`. The max-age is the domain cache TTL rather than
 * the digest's 3600 s, so an admin change reaches a client within two TTLs (one here, one in a shared
 * cache); no client was found to depend on these headers.
 */
function cacheControl(perUser: boolean, ttlSetting: string | undefined): string {
  return perUser ? 'no-store' : `public, max-age=${Math.floor(cacheTtlMs(ttlSetting) / 1000)}`
}

async function serveAutoconfig(c: Context<AppEnv>) {
  const raw = readRawQueryParam(c.req.url, EMAIL_PARAM)
  if (raw === undefined) return c.text(`${EMAIL_PARAM} is not valid percent-encoded UTF-8`, 400)
  let domain: string | null
  let who: EmailAddress | null = null
  if (raw === null || raw.trim() === '') {
    // No address (a Thunderbird pref can withhold it, §5 "Absent emailaddress"): the Host names
    // the domain and the document is the generic one, with placeholders.
    domain = domainFromHost(requestHost(c))
    if (domain === null) return c.text(`${EMAIL_PARAM} is missing and the host name names no mail domain`, 400)
  } else {
    const parsed = parseEmailAddress(raw)
    if (!parsed.ok) return c.text(`${EMAIL_PARAM}: ${ADDRESS_ERROR_MESSAGES[parsed.error]}`, 400)
    domain = parsed.value.domain
    who = parsed.value
  }
  c.set('domain', domain)
  const resolved = await resolveAccount(c.var.lookup, domain, who)
  if (resolved.kind === 'unknown-domain') return c.text(`no mail configuration for ${domain}`, 404)
  if (resolved.kind === 'directory-unavailable') {
    return c.text('the user directory is unavailable; try again shortly', 503, RETRY_AFTER)
  }
  const perUser = who !== null && resolved.config.ldap !== null
  return c.body(renderAutoconfig(resolved.config, resolved.user), 200, {
    ...XML_HEADERS,
    'Cache-Control': cacheControl(perUser, c.env.CONFIG_CACHE_TTL_SECONDS),
  })
}

export const autoconfig = new Hono<AppEnv>()
autoconfig.get('/mail/config-v1.1.xml', serveAutoconfig)
autoconfig.get('/.well-known/autoconfig/mail/config-v1.1.xml', serveAutoconfig)
