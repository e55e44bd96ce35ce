/**
 * Carries out a doctor plan (src/doctor/plan.ts) from this machine: every DNS question, TLS
 * handshake and client request at once, each judged by the pure checks of src/doctor/. Used by the
 * CLI (`mailconf doctor`, the service reached through --url) and by the Node server's
 * `GET /admin/doctor/<domain>` (the service answering in-process).
 */
import { bare, checkAlias, checkMx, checkSrv, checkTxt, type DnsQuestion, type Lookup } from '../../doctor/dns-checks'
import { checkDocument, checkRedirect, checkDavRedirect, type Fetched } from '../../doctor/http-checks'
import type { DoctorPlan, Probe } from '../../doctor/plan'
import type { Check, DoctorReport } from '../../doctor/report'
import { checkCertificate } from '../../doctor/tls-checks'
import { dnsProbe, type DnsProbe } from './dns'
import { fetchLive, hostHeader } from './http'
import { probeTls } from './tls'

/** The service's own answer to a probe's request, and the Host it was asked under. */
export interface ExpectedAnswer {
  readonly fetched: Fetched
  readonly host: string
}

export interface DoctorNetwork {
  /** `HOST:PORT` of the DNS server to ask (settings.ts parseResolver); null: the system's. */
  readonly resolver: string | null
  /** Trust anchors for TLS; undefined: Node's (with NODE_EXTRA_CA_CERTS). */
  readonly ca: readonly string[] | undefined
  /** Where https and http are dialled; 443 and 80 except in tests and staging set-ups. */
  readonly httpsPort: number
  readonly httpPort: number
  /** Per request and handshake; Thunderbird gives each source 5 s (docs/clients.md §1.1). */
  readonly timeoutMs: number
}

export const DEFAULT_NETWORK: DoctorNetwork = { resolver: null, ca: undefined, httpsPort: 443, httpPort: 80, timeoutMs: 5_000 }

/** The service's answer for a request, asked once however many probes send it. */
function memoised(expected: (probe: Probe) => Promise<ExpectedAnswer>): (probe: Probe) => Promise<ExpectedAnswer> {
  const answers = new Map<string, Promise<ExpectedAnswer>>()
  return (probe) => {
    const key = `${probe.request.method} ${probe.request.path} ${probe.request.body ?? ''}`
    let answer = answers.get(key)
    if (answer === undefined) answers.set(key, (answer = expected(probe)))
    return answer
  }
}

async function dnsCheck(question: DnsQuestion, dns: DnsProbe, addressesOf: (name: string) => Promise<Lookup<string>>): Promise<Check> {
  switch (question.kind) {
    case 'srv':
      return checkSrv(question, await dns.srv(question.name))
    case 'txt':
      return checkTxt(question, await dns.txt(question.name))
    case 'alias': {
      // The CNAME's target is the service host: its addresses are what the name should reach.
      const [cname, addresses, serviceAddresses] = await Promise.all([dns.cname(question.name), addressesOf(question.name), addressesOf(bare(question.record.target))])
      return checkAlias(question, { cname, addresses, serviceAddresses })
    }
  }
}

export async function runDoctor(plan: DoctorPlan, expected: (probe: Probe) => Promise<ExpectedAnswer>, network: DoctorNetwork, now: () => Date = () => new Date()): Promise<DoctorReport> {
  const dns = dnsProbe(network.resolver)
  const lookups = new Map<string, Promise<Lookup<string>>>()
  const addressesOf = (name: string) => {
    let found = lookups.get(name)
    if (found === undefined) lookups.set(name, (found = dns.addresses(name)))
    return found
  }
  const connectAddresses = new Map<string, ReturnType<DnsProbe['connectAddress']>>()
  const connectAddress = (name: string) => {
    let found = connectAddresses.get(name)
    if (found === undefined) connectAddresses.set(name, (found = dns.connectAddress(name)))
    return found
  }
  const serviceAnswer = memoised(expected)

  const dnsChecks = [dns.mx(plan.domain).then((found) => checkMx(plan.domain, found)), ...plan.dns.map((question) => dnsCheck(question, dns, addressesOf))]

  const tlsChecks = plan.tls.map(async (planned) => {
    const target = { ...planned, port: network.httpsPort }
    const address = await connectAddress(target.host)
    const observed = address.ok ? await probeTls({ address: address.address, port: target.port, servername: target.host, ca: network.ca, timeoutMs: network.timeoutMs }) : ({ kind: 'failed', message: address.message } as const)
    return checkCertificate(target, observed, now())
  })

  const probeChecks = plan.probes.map(async (probe) => {
    const port = probe.scheme === 'https' ? network.httpsPort : network.httpPort
    const address = await connectAddress(probe.host)
    const live: Fetched = address.ok ? await fetchLive(probe, { address: address.address, port, ca: network.ca, timeoutMs: network.timeoutMs }) : { kind: 'failed', message: address.message, tls: false }
    if (probe.expect.kind === 'redirect-to-https') return checkRedirect(probe, live)
    if (probe.expect.kind === 'dav-redirect') return checkDavRedirect(probe, probe.expect.location, live)
    const service = await serviceAnswer(probe)
    return checkDocument(probe, probe.expect.answer, { live, expected: service.fetched, liveHost: hostHeader(probe, port), expectedHost: service.host })
  })

  return { domain: plan.domain, checks: await Promise.all([...dnsChecks, ...tlsChecks, ...probeChecks]) }
}
