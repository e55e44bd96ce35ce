/** GET /admin/dns/{domain}[?format=json]: the DNS records to publish for a domain (dns/records.ts). */
import type { Context } from 'hono'
import type { AppEnv } from '../app/env'
import { failAsJson } from '../app/failures'
import { isLoopbackHost, requestHostname } from '../app/request-facts'
import { fail, ok, type Result } from '../core/result'
import { toAccount } from '../core/account'
import { normaliseDomain } from '../core/address'
import { findDomainConfig } from '../db/domain-query'
import { renderDnsRecords, renderZoneFile, type DnsRecord } from '../dns/records'
import { paccTxtRecord, renderPacc } from '../protocols/pacc/render'
import { adminRouter, declare } from './operation'
import { COMMON_ANSWERS, problem } from './request'

export const dns = adminRouter()

/**
 * The CNAME/SRV target: this service's public host name. It is configurable because the admin
 * request may reach the service under a name clients cannot use (localhost, an address, an
 * internal host); records pointing there would be wrong, so such a name is refused, not guessed.
 */
function publicServiceHost(candidate: string): Result<string, string> {
  const host = normaliseDomain(candidate)
  if (host === null || isLoopbackHost(candidate) || host.endsWith('.localhost')) {
    return fail(`'${candidate.slice(0, 100)}' is not a public host name for the records to point at: set SERVICE_HOSTNAME (or pass service_host) to this service's public name`)
  }
  return ok(host)
}

/**
 * The records a served domain should publish, pointing at `?service_host=`, SERVICE_HOSTNAME or
 * the request's host; else the answer saying why not (404 unknown domain, 409/400 no public host).
 * The DNS listing and the doctor (admin/doctor.ts) share it, so they always agree.
 */
export async function recordsToPublish(c: Context<AppEnv>, domain: string): Promise<Result<Publication, Response>> {
  const config = await findDomainConfig(c.var.db, domain)
  if (!config) return fail(failAsJson(c, { kind: 'unknown-domain', domain }))
  const asked = c.req.query('service_host')
  const serviceHost = publicServiceHost(asked ?? c.env.SERVICE_HOSTNAME ?? requestHostname(c))
  if (!serviceHost.ok) return fail(c.json({ error: serviceHost.error }, asked === undefined ? 409 : 400))
  const account = toAccount({ config, who: null, identity: null })
  // The digest of the very bytes GET /.well-known/user-agent-configuration.json serves (same renderer, same data).
  const pacc = renderPacc(account)
  const paccTxt = pacc.ok ? await paccTxtRecord(pacc.value) : null
  return ok({ records: renderDnsRecords(account, serviceHost.value, paccTxt), paccProblems: pacc.ok ? [] : pacc.error })
}

export interface Publication {
  readonly records: DnsRecord[]
  /** Why PACC cannot describe the domain (its records are then left out); empty when it can. */
  readonly paccProblems: readonly string[]
}

/** `service_host`, as the listing and the doctor describe it. */
export const SERVICE_HOST_PARAMETER = {
  name: 'service_host',
  in: 'query',
  required: false,
  description: "this service's public host name, the target of the CNAME/SRV records (default: SERVICE_HOSTNAME, else the host of this request)",
  schema: { type: 'string' },
} as const

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
      SERVICE_HOST_PARAMETER,
    ],
    answers: {
      200: { description: 'the records', content: { 'text/plain': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } },
      400: problem('not a domain name, an unknown format, or a service_host that is no host name'),
      404: problem('no mail configuration for the domain'),
      409: problem('no public service host name is known: set SERVICE_HOSTNAME (or pass service_host)'),
      ...COMMON_ANSWERS,
    },
  },
  async (c) => {
    const domain = normaliseDomain(c.req.param('domain') ?? '')
    if (domain === null) return c.json({ error: 'not a valid domain name' }, 400)
    const format = c.req.query('format') ?? 'zone'
    if (format !== 'zone' && format !== 'json') return c.json({ error: "format must be 'zone' or 'json'" }, 400)
    const published = await recordsToPublish(c, domain)
    if (!published.ok) return published.error
    const { records, paccProblems } = published.value
    const pacc = paccProblems.length === 0 ? { published: true } : { published: false, problems: paccProblems }
    if (format === 'json') return c.json({ domain, records, pacc })
    // A zone-file comment, so the refusal is read where the records are.
    // One line whatever the stored values hold (a row written by hand could carry a line break).
    const note = paccProblems.length === 0 ? '' : `; PACC (ua-auto-config) not published: ${domain} cannot be described in PACC: ${paccProblems.join('; ').replace(/[\r\n]+/g, ' ')}\n`
    return c.text(note + renderZoneFile(records))
  },
)
