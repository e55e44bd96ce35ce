/**
 * `mailconf doctor DOMAIN`: what clients see for DOMAIN, checked from this machine against what the
 * service's own data says (src/doctor/ judges, src/node/doctor/ asks the network). The records to
 * publish come from `GET /admin/dns/<domain>`, the documents from the service's public routes
 * through --url, so it works against `npm start`, the Node server and a deployed Worker alike.
 */
import * as tls from 'node:tls'
import { readFile } from 'node:fs/promises'
import { normaliseDomain, parseEmailAddress } from '../src/core/address'
import type { DnsRecord } from '../src/dns/records'
import { doctorPlan } from '../src/doctor/plan'
import { reportFails, reportLines, summaryOf } from '../src/doctor/report'
import { DOCTOR_LOCAL_PART, parsePort, parseResolver } from '../src/doctor/settings'
import { DEFAULT_NETWORK, runDoctor } from '../src/node/doctor/run'
import { call, Failed, JSON_OPTION, oneArgument, parse, serviceHostOption, UsageError, type Command, type Context } from './commands'

function optionValue(ctx: Context, name: string): string | undefined {
  const value = ctx.options[name]
  return typeof value === 'string' ? value : undefined
}

function parsed<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new UsageError(result.error)
  return result.value
}

/** Node's trust anchors (NODE_EXTRA_CA_CERTS included where Node can say), plus the given PEM file. */
async function trustAnchors(file: string | undefined): Promise<readonly string[] | undefined> {
  if (file === undefined) return undefined
  let pem: string
  try {
    pem = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read --ca-file ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  // getCACertificates (Node 22.15) also returns NODE_EXTRA_CA_CERTS; older Nodes only have the bundled roots.
  const defaults = 'getCACertificates' in tls && typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : [...tls.rootCertificates]
  return [...defaults, pem]
}

function addressFor(domain: string, given: string | undefined): string {
  if (given === undefined) return `${DOCTOR_LOCAL_PART}@${domain}`
  const address = parseEmailAddress(given)
  if (!address.ok || address.value.domain !== domain) throw new UsageError(`--address must be an address in ${domain}, not '${given.slice(0, 100)}'`)
  return address.value.address
}

export const doctor: Command = {
  name: 'doctor',
  summary: 'doctor DOMAIN [--json] [--resolver HOST:PORT] [--ca-file PEM] [options]\n                                 check what clients find for DOMAIN against the service\'s data',
  details: `Checks, from this machine, every place a mail client looks for DOMAIN's settings against what
the service's own data says should be there:
  DNS    MX; the RFC 6186/8314 SRV records (_imaps, _imap, _pop3s, _pop3, _submissions,
         _submission); _autodiscover._tcp; the autoconfig/autodiscover names; RFC 6764 CalDAV/
         CardDAV SRV and TXT: as GET /admin/dns/DOMAIN lists them
  TLS    a trusted certificate for every https host clients use, and days to expiry
  HTTPS  the requests clients send (Autoconfig on autoconfig.DOMAIN and DOMAIN, Autodiscover POST
         and v2 JSON, the Apple profile): status, content type, the client rules, and the body
         compared with what the service answers to the same request through --url
  HTTP   plain http where clients still try it, and whether it redirects to https
One line per check: status, id, what was expected, what was found, and the fix. Statuses: pass,
missing (not published), drift (something else answers: a stale record, cache, server or
deployment), warn, error (clients fail). Exit 0 when nothing is missing, drifted or in error, else 1.
  --json                 {"domain":…,"checks":[{"id","status","expected","found","fix"}]}
  --resolver HOST:PORT   the DNS server to ask (an address; default: the system's resolvers),
                         also for the addresses https and http connect to
  --ca-file PEM          trust this CA too (a private CA; tests)
  --service-host HOST    the service's public name, if SERVICE_HOSTNAME is not set (as for dns)
  --address ADDRESS      the address to ask about (default ${DOCTOR_LOCAL_PART}@DOMAIN); never printed
  --https-port N, --http-port N
                         dial these instead of 443 and 80 (staging set-ups, tests)`,
  action: {
    usage: 'DOMAIN [--json] [--resolver HOST:PORT] [--ca-file PEM] [--service-host HOST] [--address ADDRESS] [--https-port N] [--http-port N]',
    options: {
      ...JSON_OPTION,
      resolver: { type: 'string' },
      'ca-file': { type: 'string' },
      'service-host': { type: 'string' },
      address: { type: 'string' },
      'https-port': { type: 'string' },
      'http-port': { type: 'string' },
    },
    async run(ctx, args) {
      const typed = oneArgument(args, 'DOMAIN')
      const domain = normaliseDomain(typed)
      if (domain === null) throw new UsageError(`'${typed.slice(0, 100)}' is not a domain name`)
      const resolver = optionValue(ctx, 'resolver')
      const httpsPort = optionValue(ctx, 'https-port')
      const httpPort = optionValue(ctx, 'http-port')
      const network = {
        ...DEFAULT_NETWORK,
        resolver: resolver === undefined ? null : parsed(parseResolver(resolver, '--resolver')),
        ca: await trustAnchors(optionValue(ctx, 'ca-file')),
        httpsPort: httpsPort === undefined ? DEFAULT_NETWORK.httpsPort : parsed(parsePort(httpsPort, '--https-port')),
        httpPort: httpPort === undefined ? DEFAULT_NETWORK.httpPort : parsed(parsePort(httpPort, '--http-port')),
      }
      const address = addressFor(domain, optionValue(ctx, 'address'))

      const query = new URLSearchParams({ format: 'json' })
      const serviceHost = serviceHostOption(ctx.options['service-host'])
      if (serviceHost !== undefined) query.set('service_host', serviceHost)
      const listing = await call(ctx, 'GET', `admin/dns/${encodeURIComponent(domain)}?${query}`, undefined, (r, message) =>
        r.status === 409 && message.includes('SERVICE_HOSTNAME') && serviceHost === undefined ? 'set SERVICE_HOSTNAME on the service, or name it here with --service-host HOST' : undefined,
      )
      const { records } = parse<{ records: DnsRecord[] }>(listing)

      const plan = doctorPlan(domain, records, address)
      const report = await runDoctor(plan, async (probe) => {
        const { answer, host } = await ctx.client.publicRequest({ method: probe.request.method, path: probe.request.path, headers: probe.request.headers, ...(probe.request.body === undefined ? {} : { body: probe.request.body }) })
        return { fetched: { kind: 'answered', answer }, host }
      }, network)

      if (ctx.options.json) ctx.io.out(JSON.stringify(report))
      else for (const line of reportLines(report)) ctx.io.out(line)
      const summary = `${domain}: ${summaryOf(report)}`
      if (reportFails(report)) throw new Failed(summary)
      ctx.io.err(summary)
    },
  },
}
