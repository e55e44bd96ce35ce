/**
 * GET /admin/doctor/{domain}: `mailconf doctor` run by the service itself (src/doctor/, and the
 * runner of doctor/runner.ts). On the Node server every check runs from the server; the Workers
 * runtime can run none of them (no DNS resolver of one's choosing, no peer certificates), so there
 * it answers 501 pointing to the CLI, which runs the same checks against a Worker from outside.
 */
import * as z from 'zod'
import { normaliseDomain, parseEmailAddress } from '../core/address'
import { DOCTOR_LOCAL_PART } from '../doctor/settings'
import { recordsToPublish, SERVICE_HOST_PARAMETER } from './dns'
import { adminRouter, declare, named } from './operation'
import { COMMON_ANSWERS, problem } from './request'

export const doctor = adminRouter()

const REPORT = named(
  'DoctorReport',
  z.object({
    domain: z.string(),
    checks: z.array(
      z.object({
        id: z.string().describe('srv:_imaps._tcp, cname:autoconfig, tls:<host>, https:autoconfig, …'),
        status: z.enum(['pass', 'missing', 'drift', 'warn', 'error']),
        expected: z.string(),
        found: z.string(),
        fix: z.string().nullable().describe('the exact record or setting; null when there is nothing to do'),
      }),
    ),
  }),
  'output',
)

export const DOCTOR_ON_WORKERS =
  'the doctor needs a DNS resolver and the certificates servers present, which the Workers runtime does not give: run `mailconf doctor <domain> --url <this service>` from a machine with network access instead'

declare(
  doctor,
  {
    method: 'get',
    path: '/{domain}',
    operationId: 'getDoctorReport',
    summary: 'What clients find for a domain (DNS, certificates, documents), checked against the data (Node server only)',
    tag: 'dns',
    parameters: [
      { name: 'domain', in: 'path', required: true, description: 'the mail domain', schema: { type: 'string' } },
      SERVICE_HOST_PARAMETER,
      { name: 'address', in: 'query', required: false, description: `the address the client requests ask about (default ${DOCTOR_LOCAL_PART}@<domain>)`, schema: { type: 'string' } },
    ],
    answers: {
      200: { description: 'one check per mechanism a client uses; a failing check is still a 200', json: REPORT },
      400: problem('not a domain name, an address outside the domain, or a service_host that is no host name'),
      404: problem('no mail configuration for the domain'),
      409: problem('no public service host name is known: set SERVICE_HOSTNAME (or pass service_host)'),
      501: problem('the Workers runtime cannot run the checks: use the CLI'),
      ...COMMON_ANSWERS,
    },
  },
  async (c) => {
    const run = c.var.doctor
    if (!run) return c.json({ error: DOCTOR_ON_WORKERS }, 501)
    const domain = normaliseDomain(c.req.param('domain') ?? '')
    if (domain === null) return c.json({ error: 'not a valid domain name' }, 400)
    const typed = c.req.query('address')
    let address = `${DOCTOR_LOCAL_PART}@${domain}`
    if (typed !== undefined) {
      const parsed = parseEmailAddress(typed)
      if (!parsed.ok || parsed.value.domain !== domain) return c.json({ error: `address must be an address in ${domain}` }, 400)
      address = parsed.value.address
    }
    const records = await recordsToPublish(c, domain)
    if (!records.ok) return records.error
    return c.json(await run({ domain, records: records.value.records, address }))
  },
)
