/**
 * PACC: GET /.well-known/user-agent-configuration.json on `ua-auto-config.<domain>` (or the mail
 * domain itself routed here), docs/clients.md §4.7. The document names no user, so it is the same
 * for everyone and the TXT digest of /admin/dns matches it byte for byte. Parse → resolve → render → respond.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../app/env'
import { failAsText, protocolRouter } from '../../app/failures'
import { countAs } from '../../app/metrics'
import { requestHost } from '../../app/request-facts'
import { resolveDocumentForRequest } from '../../app/resolve'
import { domainFromHost } from '../../core/address'
import { sharedCacheControl } from '../../db/domain-cache'
import { renderPacc } from './render'

export const PACC_PATH = '/.well-known/user-agent-configuration.json'

const { router, fail } = protocolRouter((c, failure) => failAsText(c, failure))

async function servePacc(c: Context<AppEnv>) {
  const domain = domainFromHost(requestHost(c))
  if (domain === null) return fail(c, { kind: 'bad-request', message: 'the host name names no mail domain' })
  // The document names no user: rendered once and kept with the domain's cache entry, like
  // Autoconfig's; so is a refusal, which is logged when it is rendered.
  const document = await resolveDocumentForRequest(c, { domain, who: null }, 'pacc', (account) => {
    const body = renderPacc(account)
    if (body.ok) return { status: 200, body: body.value }
    // A 404 sends PACC clients on to the other methods; a document naming other servers would not.
    c.var.log.log('warn', 'PACC cannot express this domain', { domain, reasons: body.error.join('; ') })
    return { status: 404, body: `${domain} cannot be described in PACC: ${body.error.join('; ')}\n` }
  })
  if (!document) return fail(c, { kind: 'unknown-domain', domain })
  const contentType = document.status === 200 ? 'application/json' : 'text/plain; charset=UTF-8'
  return c.body(document.body, document.status, { 'Content-Type': contentType, 'Cache-Control': sharedCacheControl(c.env.CONFIG_CACHE_TTL_SECONDS) })
}

export const pacc = router
pacc.get(PACC_PATH, countAs('pacc'), servePacc)
