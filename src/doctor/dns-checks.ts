/**
 * The DNS half of the doctor: what `GET /admin/dns/<domain>` says to publish (dns/records.ts),
 * against what a resolver answers. Pure functions of the expected records and the observed
 * answers; src/node/doctor/dns.ts asks the resolver.
 *
 * Which clients read which record is docs/clients.md §4.5; SRV semantics §4.2 (RFC 2782: a lone
 * `0 0 0 .` record says "not offered"); CNAMEs and certificates §4.4.
 */
import { renderZoneFile, type CnameRecord, type DnsRecord, type SrvRecord, type TxtRecord } from '../dns/records'
import { check, type Check } from './report'

/** What a resolver said about one name and type. `none`: NXDOMAIN or no record of that type. */
export type Lookup<T> = { readonly kind: 'found'; readonly values: readonly T[] } | { readonly kind: 'none' } | { readonly kind: 'failed'; readonly message: string }

export interface SrvAnswer {
  readonly priority: number
  readonly weight: number
  readonly port: number
  /** The target as the resolver gives it (with or without the final dot; '' or '.' for the root). */
  readonly target: string
}

export interface MxAnswer {
  readonly priority: number
  readonly exchange: string
}

/** The questions the expected records raise: one per name and type, with every record expected there. */
export type DnsQuestion =
  | { readonly kind: 'srv'; readonly id: string; readonly name: string; readonly records: readonly SrvRecord[] }
  | { readonly kind: 'txt'; readonly id: string; readonly name: string; readonly record: TxtRecord }
  | { readonly kind: 'alias'; readonly id: string; readonly name: string; readonly record: CnameRecord }

/** A name without its final dot, in lower case: how names are compared. */
export const bare = (name: string): string => name.replace(/\.$/, '').toLowerCase()

/** `_imaps._tcp` for `_imaps._tcp.example.com.` in example.com: the part the operator types. */
function labelOf(name: string, domain: string): string {
  const full = bare(name)
  const suffix = `.${bare(domain)}`
  return full.endsWith(suffix) ? full.slice(0, -suffix.length) : full
}

/**
 * Groups the records to publish into questions, in the listing's order. PACC's `ua-auto-config`
 * CNAME and `_ua-auto-config` TXT digest (docs/clients.md §4.7) are checked like the others (a TXT
 * compares its exact text, so a digest of older data is drift).
 */
export function dnsQuestions(domain: string, records: readonly DnsRecord[]): DnsQuestion[] {
  const questions: DnsQuestion[] = []
  const srv = new Map<string, SrvRecord[]>()
  for (const record of records) {
    const label = labelOf(record.name, domain)
    switch (record.type) {
      case 'SRV': {
        const known = srv.get(bare(record.name))
        if (known) {
          known.push(record)
          break
        }
        const group = [record]
        srv.set(bare(record.name), group)
        questions.push({ kind: 'srv', id: `srv:${label}`, name: bare(record.name), records: group })
        break
      }
      case 'TXT':
        questions.push({ kind: 'txt', id: `txt:${label}`, name: bare(record.name), record })
        break
      case 'CNAME':
        questions.push({ kind: 'alias', id: `cname:${label}`, name: bare(record.name), record })
        break
    }
  }
  return questions
}

const zoneLines = (records: readonly DnsRecord[]) => renderZoneFile(records).trimEnd().split('\n').join(' | ')
const publish = (records: readonly DnsRecord[]) => `publish ${zoneLines(records)}`
const resolverTrouble = (message: string) => `the resolver failed (${message}): check the zone's name servers, or ask another resolver with --resolver`

const srvText = (r: { priority: number; weight: number; port: number; target: string }) => `${r.priority} ${r.weight} ${r.port} ${bare(r.target)}.`
const listed = <T>(values: readonly T[], text: (value: T) => string) => values.map(text).join(', ')

/** RFC 2782: a single record with the root as target says the service is not offered. */
const notOffered = (records: readonly { target: string }[]) => records.length === 1 && ['', '.'].includes(records[0]?.target ?? 'x')
const endpoint = (r: { port: number; target: string }) => `${bare(r.target)}. port ${r.port}`

/** Endpoints in the order clients try them (priority; RFC 2782 leaves equal ones to chance). */
const tryOrder = (records: readonly { priority: number; port: number; target: string }[]) =>
  [...records].sort((a, b) => a.priority - b.priority).map(endpoint)

export function checkSrv(question: Extract<DnsQuestion, { kind: 'srv' }>, found: Lookup<SrvAnswer>): Check {
  const { id, records } = question
  const expected = listed(records, srvText)
  const offered = !notOffered(records)
  if (found.kind === 'failed') return check(id, 'error', expected, found.message, resolverTrouble(found.message))
  if (found.kind === 'none') {
    // A missing "not offered" record only lets clients guess (RFC 6186 §3.4); a missing service
    // record hides a server they should use.
    return offered
      ? check(id, 'missing', expected, 'no SRV record', publish(records))
      : check(id, 'warn', expected, 'no SRV record (clients may guess a server)', publish(records))
  }
  const shownFound = listed(found.values, srvText)
  if (notOffered(found.values)) {
    return offered ? check(id, 'drift', expected, `${shownFound} (says not offered)`, `replace it with ${zoneLines(records)}`) : check(id, 'pass', expected, shownFound)
  }
  const want = new Set(records.map(endpoint))
  const have = new Set(found.values.map(endpoint))
  const same = want.size === have.size && [...want].every((e) => have.has(e))
  if (!same) {
    const unknown = [...have].filter((e) => !want.has(e))
    const why = !offered ? 'a service the data does not offer' : unknown.length > 0 ? `${unknown.join(', ')}: not in the data` : 'a server of the data left out'
    return check(id, 'drift', expected, `${shownFound} (${why})`, `replace the records at ${question.name}. with ${zoneLines(records)}`)
  }
  if (tryOrder(records).join() !== tryOrder(found.values).join()) {
    return check(id, 'warn', expected, `${shownFound} (the same servers, tried in another order)`, `set the priorities: ${zoneLines(records)}`)
  }
  return check(id, 'pass', expected, shownFound)
}

export function checkTxt(question: Extract<DnsQuestion, { kind: 'txt' }>, found: Lookup<string>): Check {
  const { id, record } = question
  const expected = `"${record.text}"`
  if (found.kind === 'failed') return check(id, 'error', expected, found.message, resolverTrouble(found.message))
  if (found.kind === 'none') return check(id, 'missing', expected, 'no TXT record', publish([record]))
  const shownFound = listed(found.values, (text) => `"${text}"`)
  if (found.values.includes(record.text)) return check(id, 'pass', expected, shownFound)
  // Other TXT records may share the name; only a differing record of the same key is drift.
  const key = record.text.split('=')[0] ?? ''
  const sameKey = found.values.some((text) => text.startsWith(`${key}=`))
  // PACC (docs/clients.md §4.7): clients and caches may still hold the old document for a while, and
  // several digests may be published at once, so the new one goes beside the old.
  const fix = key === 'v'
    ? `add ${zoneLines([record])} beside the old one, and remove the old one once the service's cache TTL and Cache-Control max-age have passed`
    : `replace it with ${zoneLines([record])}`
  return sameKey
    ? check(id, 'drift', expected, shownFound, fix)
    : check(id, 'missing', expected, `${shownFound} (no ${key}=)`, publish([record]))
}

/** What is published at `autoconfig.<d>` / `autodiscover.<d>`, and where the service lives. */
export interface AliasObservation {
  readonly cname: Lookup<string>
  /** The addresses the name resolves to (through its CNAME, if any). */
  readonly addresses: Lookup<string>
  /** The addresses of the service host, the expected CNAME target. */
  readonly serviceAddresses: Lookup<string>
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length > 0 && new Set(a).size === new Set(b).size && a.every((x) => b.includes(x))

/**
 * README "DNS records for Autodiscover": a CNAME to the service host, or A/AAAA records with the
 * service's addresses. A CNAME elsewhere that reaches the same addresses works today but breaks
 * when the service moves: a warning.
 */
export function checkAlias(question: Extract<DnsQuestion, { kind: 'alias' }>, found: AliasObservation): Check {
  const { id, record } = question
  const target = bare(record.target)
  const expected = `CNAME ${record.target}`
  const fix = `publish ${zoneLines([record])}`
  if (found.cname.kind === 'failed') return check(id, 'error', expected, found.cname.message, resolverTrouble(found.cname.message))
  const serviceAddresses = found.serviceAddresses.kind === 'found' ? found.serviceAddresses.values : []
  const addresses = found.addresses.kind === 'found' ? found.addresses.values : []
  if (found.cname.kind === 'found') {
    const published = found.cname.values.map(bare)
    if (published.includes(target)) return check(id, 'pass', expected, `CNAME ${published.join(', ')}.`)
    const shownFound = `CNAME ${published.join(', ')}.${addresses.length > 0 ? ` (${addresses.join(', ')})` : ''}`
    if (sameSet(addresses, serviceAddresses)) return check(id, 'warn', expected, `${shownFound}, the service's addresses by another name`, fix)
    return check(id, 'drift', expected, `${shownFound}, not the service (${serviceAddresses.join(', ') || 'no addresses'})`, `replace it with ${zoneLines([record])}`)
  }
  if (found.addresses.kind === 'failed') return check(id, 'error', expected, found.addresses.message, resolverTrouble(found.addresses.message))
  if (addresses.length === 0) return check(id, 'missing', expected, 'no CNAME and no address', fix)
  if (found.serviceAddresses.kind !== 'found') {
    return check(id, 'warn', expected, `A/AAAA ${addresses.join(', ')}; the service host ${target} does not resolve, so they cannot be compared`, fix)
  }
  if (sameSet(addresses, serviceAddresses)) return check(id, 'pass', expected, `A/AAAA ${addresses.join(', ')}, the service's addresses`)
  return check(id, 'drift', expected, `A/AAAA ${addresses.join(', ')}, not the service's (${serviceAddresses.join(', ')})`, `replace them with ${zoneLines([record])}`)
}

/**
 * The database does not say where mail is received, so any MX passes; none at all breaks delivery
 * and Thunderbird's MX-based lookup (docs/clients.md §1.1).
 */
export function checkMx(domain: string, found: Lookup<MxAnswer>): Check {
  const id = 'mx'
  const expected = 'at least one MX record'
  if (found.kind === 'failed') return check(id, 'error', expected, found.message, resolverTrouble(found.message))
  if (found.kind === 'none' || found.values.length === 0) {
    return check(id, 'missing', expected, 'no MX record', `publish an MX record naming the host that receives mail for ${domain}, e.g. ${bare(domain)}. 3600 IN MX 10 <inbound mail host>.`)
  }
  const sorted = [...found.values].sort((a, b) => a.priority - b.priority)
  if (sorted.length === 1 && ['', '.'].includes(sorted[0]?.exchange ?? 'x')) {
    return check(id, 'missing', expected, 'MX 0 . (RFC 7505: this domain accepts no mail)', `publish an MX record naming the host that receives mail for ${domain}`)
  }
  return check(id, 'pass', expected, listed(sorted, (mx) => `${mx.priority} ${bare(mx.exchange)}.`))
}
