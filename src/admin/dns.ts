/** GET /admin/dns/{domain}[?format=json]: the DNS records to publish for a domain (dns/records.ts). */
import { failAsJson } from '../app/failures'
import { requestHostname } from '../app/request-facts'
import { toAccount } from '../core/account'
import { normaliseDomain } from '../core/address'
import { findDomainConfig } from '../db/domain-query'
import { renderDnsRecords, renderZoneFile } from '../dns/records'
import { adminRouter, declare } from './operation'
import { COMMON_ANSWERS, problem } from './request'

export const dns = adminRouter()

declare(
  dns,
  {
    method: 'get',
    path: '/{domain}',
    operationId: 'getDnsRecords',
    summary: 'DNS records to publish for a domain (zone file, or JSON with ?format=json)',
    tag: 'dns',
    parameters: [
      { name: 'domain', in: 'path', required: true, description: 'the mail domain', schema: { type: 'string' } },
      { name: 'format', in: 'query', required: false, description: 'zone (default) or json', schema: { type: 'string', enum: ['zone', 'json'] } },
    ],
    answers: {
      200: { description: 'the records', content: { 'text/plain': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } },
      400: problem('not a domain name, or an unknown format'),
      404: problem('no mail configuration for the domain'),
      ...COMMON_ANSWERS,
    },
  },
  async (c) => {
    const domain = normaliseDomain(c.req.param('domain') ?? '')
    if (domain === null) return c.json({ error: 'not a valid domain name' }, 400)
    const format = c.req.query('format') ?? 'zone'
    if (format !== 'zone' && format !== 'json') return c.json({ error: "format must be 'zone' or 'json'" }, 400)
    const config = await findDomainConfig(c.var.db, domain)
    if (!config) return failAsJson(c, { kind: 'unknown-domain', domain })
    // The CNAME/SRV target: this service's public name, configurable because the admin request may
    // reach it under another name (localhost, an internal host) than clients should use.
    const serviceHost = c.env.SERVICE_HOSTNAME ?? requestHostname(c)
    const records = renderDnsRecords(toAccount({ config, who: null, identity: null }), serviceHost)
    if (format === 'json') return c.json({ domain, records })
    return c.text(renderZoneFile(records))
  },
)
