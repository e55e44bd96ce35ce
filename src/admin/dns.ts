/**
 * GET /admin/dns/<domain>[?format=json]: the DNS records to publish for a domain. Mounted under
 * the admin router (routes/admin.ts), whose guard and JSON outage handler apply.
 */
import { Hono } from 'hono'
import { normaliseDomain } from '../core/address'
import { toAccount } from '../core/account'
import { findDomainConfig } from '../db/domain-query'
import type { AppEnv } from '../app/env'
import { renderDnsRecords, renderZoneFile } from '../dns/records'
import { requestHostname } from '../app/request-facts'

export const adminDns = new Hono<AppEnv>()
adminDns.get('/:domain', async (c) => {
  const domain = normaliseDomain(c.req.param('domain'))
  if (domain === null) return c.json({ error: 'not a valid domain name' }, 400)
  const format = c.req.query('format') ?? 'zone'
  if (format !== 'zone' && format !== 'json') return c.json({ error: "format must be 'zone' or 'json'" }, 400)
  const config = await findDomainConfig(c.var.db, domain)
  if (!config) return c.json({ error: `no mail configuration for ${domain}` }, 404)
  // The CNAME/SRV target: this service's public name, configurable because the admin request may
  // reach it under another name (localhost, an internal host) than clients should use.
  const serviceHost = c.env.SERVICE_HOSTNAME ?? requestHostname(c)
  const records = renderDnsRecords(toAccount({ config, who: null, identity: null }), serviceHost)
  if (format === 'json') return c.json({ domain, records })
  return c.text(renderZoneFile(records))
})
