/**
 * What the doctor asks for one domain: every place a client looks, in the client's own request.
 * Derived from the domain, the records the service says to publish (their CNAME/SRV target is the
 * service host) and the address to ask about. Pure; src/node/doctor/run.ts carries it out.
 *
 * Where clients look is docs/clients.md §1.1 (Autoconfig), §2.1, §2.6, §2.7 (Autodiscover), §2.9
 * (v2 JSON), §3.1 (profiles) and §4.4 (which names need certificates).
 */
import type { DnsRecord } from '../dns/records'
import { xml, xmlDocument } from '../markup/xml'
import { bare, dnsQuestions, type DnsQuestion } from './dns-checks'
import type { TlsTarget } from './tls-checks'

/** The kinds of answer the doctor knows how to judge (http-checks.ts). */
export type AnswerKind = 'autoconfig' | 'autodiscover-pox' | 'autodiscover-v2' | 'mobileconfig'

export interface ProbeRequest {
  readonly method: 'GET' | 'POST'
  /** Path and query, as sent. */
  readonly path: string
  /** The same, with the address replaced by `<address>`: what the report shows. */
  readonly shownPath: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

export interface Probe {
  readonly id: string
  readonly scheme: 'https' | 'http'
  readonly host: string
  readonly request: ProbeRequest
  /**
   * `document`: the answer must equal what the service answers to the same request, and pass the
   * client rules of its kind. `redirect-to-https`: Outlook's GET over http, which wants a 302 to https.
   * `dav-redirect`: RFC 6764's well-known URI, which must redirect to `location`, the context path
   * the service's own SRV and TXT records name (so the same data as the service's redirect).
   */
  readonly expect:
    | { readonly kind: 'document'; readonly answer: AnswerKind }
    | { readonly kind: 'redirect-to-https' }
    | { readonly kind: 'dav-redirect'; readonly location: string }
  /** Clients depend on it; otherwise a failure is a warning (they find the settings elsewhere). */
  readonly required: boolean
  /** Who asks here, for the messages. */
  readonly role: string
}

export interface DoctorPlan {
  readonly domain: string
  /** The host the records point at (the `_autodiscover._tcp` SRV target); null if none is listed. */
  readonly serviceHost: string | null
  readonly dns: readonly DnsQuestion[]
  readonly tls: readonly TlsTarget[]
  readonly probes: readonly Probe[]
}

/** The request body Outlook sends (docs/clients.md §2.2), the address escaped. */
function poxRequestBody(address: string): string {
  return xmlDocument(xml`<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`)
}

const USER_AGENT = 'mailconf-doctor'

function get(path: string, address: string): ProbeRequest {
  const encoded = encodeURIComponent(address)
  return { method: 'GET', path: path.replace('{address}', encoded), shownPath: path.replace('{address}', '<address>'), headers: { 'User-Agent': USER_AGENT } }
}

function postPox(address: string): ProbeRequest {
  const path = '/autodiscover/autodiscover.xml'
  // Thunderbird's exact type (§2.2); a client's credentials are never sent.
  return { method: 'POST', path, shownPath: path, headers: { 'User-Agent': USER_AGENT, 'Content-Type': 'text/xml; charset=utf-8' }, body: poxRequestBody(address) }
}

const AUTOCONFIG_PATH = '/mail/config-v1.1.xml?emailaddress={address}'
const WELL_KNOWN_PATH = '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress={address}'

/** The service host: where the `_autodiscover._tcp` SRV record (else the autoconfig CNAME) points. */
function serviceHostOf(domain: string, records: readonly DnsRecord[]): string | null {
  const srv = records.find((r) => r.type === 'SRV' && bare(r.name) === `_autodiscover._tcp.${bare(domain)}`)
  if (srv && srv.type === 'SRV' && bare(srv.target) !== '') return bare(srv.target)
  const cname = records.find((r) => r.type === 'CNAME' && bare(r.name) === `autoconfig.${bare(domain)}`)
  return cname && cname.type === 'CNAME' ? bare(cname.target) : null
}

/**
 * Where the service redirects `/.well-known/<dav>` (protocols/dav/redirect.ts), rebuilt from the
 * records it says to publish for the same server: the SRV target and port, the TXT `path=`, https
 * for the `s` label (RFC 6764 §3, §4). Null when the records list no such service.
 */
function contextUrlFromRecords(domain: string, dav: 'caldav' | 'carddav', records: readonly DnsRecord[]): string | null {
  for (const [label, scheme, defaultPort] of [[`_${dav}s._tcp.${domain}`, 'https', 443], [`_${dav}._tcp.${domain}`, 'http', 80]] as const) {
    const srv = records.find((r) => r.type === 'SRV' && bare(r.name) === label)
    const txt = records.find((r) => r.type === 'TXT' && bare(r.name) === label)
    if (!srv || srv.type !== 'SRV' || bare(srv.target) === '') continue
    const path = txt && txt.type === 'TXT' && txt.text.startsWith('path=') ? txt.text.slice('path='.length) : '/'
    return `${scheme}://${bare(srv.target)}${srv.port === defaultPort ? '' : `:${srv.port}`}${path}`
  }
  return null
}

export function doctorPlan(domainName: string, records: readonly DnsRecord[], address: string): DoctorPlan {
  const domain = bare(domainName)
  const serviceHost = serviceHostOf(domain, records)
  const autoconfigHost = `autoconfig.${domain}`
  const autodiscoverHost = `autodiscover.${domain}`

  const probes: Probe[] = [
    // §1.1: every Autoconfig client asks autoconfig.<d> first; the bare domain's .well-known URL second.
    { id: 'https:autoconfig', scheme: 'https', host: autoconfigHost, request: get(AUTOCONFIG_PATH, address), expect: { kind: 'document', answer: 'autoconfig' }, required: true, role: 'Autoconfig: Thunderbird, K-9, FairEmail, Evolution' },
    { id: 'https:well-known', scheme: 'https', host: domain, request: get(WELL_KNOWN_PATH, address), expect: { kind: 'document', answer: 'autoconfig' }, required: false, role: 'Autoconfig on the bare domain, tried second' },
    // §2.1, §2.6: Outlook and Thunderbird POST to autodiscover.<d>, to <d>, and to the SRV target.
    { id: 'https:autodiscover', scheme: 'https', host: autodiscoverHost, request: postPox(address), expect: { kind: 'document', answer: 'autodiscover-pox' }, required: true, role: 'Autodiscover: Outlook, Thunderbird, eM Client' },
    { id: 'https:autodiscover-domain', scheme: 'https', host: domain, request: postPox(address), expect: { kind: 'document', answer: 'autodiscover-pox' }, required: false, role: 'Autodiscover on the bare domain, tried too' },
    // §2.9: Outlook for Mac, Microsoft 365 and AutoDetect ask v2 for the POX URL.
    {
      id: 'https:autodiscover-json',
      scheme: 'https',
      host: autodiscoverHost,
      request: get('/autodiscover/autodiscover.json?Email={address}&Protocol=AutodiscoverV1', address),
      expect: { kind: 'document', answer: 'autodiscover-v2' },
      required: true,
      role: 'Autodiscover v2: Outlook for Mac, Microsoft 365, AutoDetect',
    },
    // §3.1: the profile URL users are sent to (the landing page links the same path on its host).
    { id: 'https:mobileconfig', scheme: 'https', host: autoconfigHost, request: get('/mobileconfig?emailaddress={address}', address), expect: { kind: 'document', answer: 'mobileconfig' }, required: true, role: 'Apple profile download' },
    // §1.1, §4.4: Thunderbird, K-9 and Evolution still try plain http; §2.7: Outlook's GET wants a 302.
    { id: 'http:autoconfig', scheme: 'http', host: autoconfigHost, request: get(AUTOCONFIG_PATH, address), expect: { kind: 'document', answer: 'autoconfig' }, required: false, role: 'Autoconfig over plain http (Thunderbird, K-9, Evolution)' },
    { id: 'http:autodiscover', scheme: 'http', host: autodiscoverHost, request: get('/autodiscover/autodiscover.xml', address), expect: { kind: 'redirect-to-https' }, required: false, role: "Outlook's http redirect method" },
  ]
  if (serviceHost !== null && serviceHost !== autodiscoverHost) {
    // §4.3: the SRV record sends Outlook and Thunderbird to the service host itself.
    probes.splice(4, 0, { id: 'https:autodiscover-srv', scheme: 'https', host: serviceHost, request: postPox(address), expect: { kind: 'document', answer: 'autodiscover-pox' }, required: true, role: 'Autodiscover through the _autodiscover._tcp SRV record' })
  }
  // §4.6: DAV clients without an SRV/TXT answer ask the domain's well-known URIs, which the service
  // redirects to the context path. Probed where the records list the domain's DAV service.
  for (const dav of ['caldav', 'carddav'] as const) {
    const location = contextUrlFromRecords(domain, dav, records)
    if (location === null) continue
    const path = `/.well-known/${dav}`
    probes.push({
      id: `https:well-known-${dav}`,
      scheme: 'https',
      host: domain,
      request: { method: 'GET', path, shownPath: path, headers: { 'User-Agent': USER_AGENT } },
      expect: { kind: 'dav-redirect', location },
      required: false,
      role: `${dav === 'caldav' ? 'CalDAV' : 'CardDAV'} discovery (RFC 6764): Thunderbird, Apple, DAVx⁵`,
    })
  }
  // PACC (docs/clients.md §4.7): its records are checked with the others (the TXT compares the
  // digest of what the service serves now). A probe of the document itself would go here
  // (`https:pacc`, https://ua-auto-config.<d>/.well-known/user-agent-configuration.json).

  // One TLS check per host a client connects to over https, required where any required probe goes.
  const tls = new Map<string, TlsTarget>()
  for (const probe of probes) {
    if (probe.scheme !== 'https') continue
    const known = tls.get(probe.host)
    if (known === undefined) tls.set(probe.host, { host: probe.host, port: 443, required: probe.required, role: probe.role })
    else if (!known.required && probe.required) tls.set(probe.host, { ...known, required: true, role: probe.role })
  }
  return { domain, serviceHost, dns: dnsQuestions(domain, records), tls: [...tls.values()], probes }
}
