/**
 * RFC 6764 well-known DAV URIs: any request to `/.well-known/caldav` or `/.well-known/carddav` on a
 * mail domain routed to the service (README "Routing") answers 301 to the context path of the
 * domain's CalDAV/CardDAV server, or 404. Parse → resolve → render → respond.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../app/env'
import { failAsText, protocolRouter } from '../../app/failures'
import { requestHost } from '../../app/request-facts'
import { countAs } from '../../app/metrics'
import { resolveForRequest } from '../../app/resolve'
import { domainFromHost } from '../../core/address'
import type { DavType } from '../../core/model'
import { sharedCacheControl } from '../../db/domain-cache'
import { davContextUrl } from './redirect'

const SERVICE_NAME: Record<DavType, string> = { caldav: 'CalDAV', carddav: 'CardDAV' }

const { router, fail } = protocolRouter((c, failure) => failAsText(c, failure))

function serveWellKnown(type: DavType) {
  return async (c: Context<AppEnv>) => {
    const domain = domainFromHost(requestHost(c))
    if (domain === null) return fail(c, { kind: 'bad-request', message: 'the host name names no mail domain' })
    const account = await resolveForRequest(c, { domain, who: null })
    if (!account) return fail(c, { kind: 'unknown-domain', domain })
    const location = davContextUrl(account, type)
    // Cached as Autoconfig's documents are: a 301 without a max-age could be kept by a client for good.
    const cacheControl = sharedCacheControl(c.env.CONFIG_CACHE_TTL_SECONDS)
    if (location === null) return c.text(`no ${SERVICE_NAME[type]} server for ${domain}`, 404, { 'Cache-Control': cacheControl })
    // RFC 6764 §5 names 301, 303 and 307; its own example uses 301. DAV clients send PROPFIND as
    // well as GET here, so every method is answered the same way.
    return c.body(null, 301, { Location: location, 'Cache-Control': cacheControl })
  }
}

export const davDiscovery = router
for (const type of ['caldav', 'carddav'] as const) {
  davDiscovery.all(`/.well-known/${type}`, countAs('dav'), serveWellKnown(type))
  davDiscovery.all(`/.well-known/${type}/`, countAs('dav'), serveWellKnown(type))
}
