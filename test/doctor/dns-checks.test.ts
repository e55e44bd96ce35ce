import { describe, expect, it } from 'vitest'
import { checkAlias, checkMx, checkSrv, checkTxt, dnsQuestions, type DnsQuestion, type Lookup, type MxAnswer, type SrvAnswer } from '../../src/doctor/dns-checks'
import type { CheckStatus } from '../../src/doctor/report'
import type { DnsRecord, SrvRecord } from '../../src/dns/records'

const srv = (name: string, priority: number, weight: number, port: number, target: string): SrvRecord => ({ type: 'SRV', name, ttl: 3600, priority, weight, port, target })
const IMAPS = `_imaps._tcp.example.com.`
const RECORDS: DnsRecord[] = [
  srv(IMAPS, 0, 1, 993, 'imap.example.com.'),
  srv(IMAPS, 10, 1, 993, 'imap2.example.com.'),
  srv('_pop3._tcp.example.com.', 0, 0, 0, '.'),
  { type: 'CNAME', name: 'autoconfig.example.com.', ttl: 3600, target: 'mailconf.provider.example.' },
  srv('_caldavs._tcp.example.com.', 0, 1, 443, 'dav.example.com.'),
  { type: 'TXT', name: '_caldavs._tcp.example.com.', ttl: 3600, text: 'path=/dav/' },
  { type: 'TXT', name: '_ua-auto-config.example.com.', ttl: 3600, text: 'v=UAAC1; a=sha256; d=NEW' },
]

const questions = dnsQuestions('example.com', RECORDS)
const question = <K extends DnsQuestion['kind']>(id: string, kind: K) => {
  const found = questions.find((q) => q.id === id)
  if (!found || found.kind !== kind) throw new Error(`no ${kind} question ${id}`)
  return found as Extract<DnsQuestion, { kind: K }>
}

const found = <T>(...values: T[]): Lookup<T> => ({ kind: 'found', values })
const NONE = { kind: 'none' } as const
const FAILED = { kind: 'failed', message: 'ESERVFAIL: queryCname ESERVFAIL' } as const
const answer = (priority: number, weight: number, port: number, target: string): SrvAnswer => ({ priority, weight, port, target })

describe('dnsQuestions', () => {
  it('asks once per name and type, with every record expected there, labels relative to the domain', () => {
    expect(questions.map((q) => [q.id, q.kind, q.name])).toEqual([
      ['srv:_imaps._tcp', 'srv', '_imaps._tcp.example.com'],
      ['srv:_pop3._tcp', 'srv', '_pop3._tcp.example.com'],
      ['cname:autoconfig', 'alias', 'autoconfig.example.com'],
      ['srv:_caldavs._tcp', 'srv', '_caldavs._tcp.example.com'],
      ['txt:_caldavs._tcp', 'txt', '_caldavs._tcp.example.com'],
      ['txt:_ua-auto-config', 'txt', '_ua-auto-config.example.com'],
    ])
    expect(question('srv:_imaps._tcp', 'srv').records).toHaveLength(2)
  })
})

describe('checkSrv', () => {
  const imaps = question('srv:_imaps._tcp', 'srv')
  const pop3 = question('srv:_pop3._tcp', 'srv')
  it.each([
    ['the same records', imaps, found(answer(0, 1, 993, 'imap.example.com'), answer(10, 1, 993, 'IMAP2.example.com.')), 'pass', null],
    ['the same servers in another order', imaps, found(answer(10, 1, 993, 'imap.example.com'), answer(0, 1, 993, 'imap2.example.com')), 'warn', 'set the priorities: '],
    ['other weights only', imaps, found(answer(0, 5, 993, 'imap.example.com'), answer(10, 0, 993, 'imap2.example.com')), 'pass', null],
    ['nothing published', imaps, NONE, 'missing', `publish ${IMAPS} 3600 IN SRV 0 1 993 imap.example.com. | ${IMAPS} 3600 IN SRV 10 1 993 imap2.example.com.`],
    ['a server the data does not name', imaps, found(answer(0, 1, 993, 'imap.example.com'), answer(10, 1, 993, 'old.example.net')), 'drift', `replace the records at _imaps._tcp.example.com. with `],
    ['another port', imaps, found(answer(0, 1, 143, 'imap.example.com'), answer(10, 1, 993, 'imap2.example.com')), 'drift', 'replace the records'],
    ['a server left out', imaps, found(answer(0, 1, 993, 'imap.example.com')), 'drift', 'replace the records'],
    ['"not offered" where the data offers it', imaps, found(answer(0, 0, 0, '')), 'drift', 'replace it with'],
    ['a failing resolver', imaps, FAILED, 'error', 'the resolver failed'],
    ['"not offered" as the data says', pop3, found(answer(0, 0, 0, '')), 'pass', null],
    ['"not offered" missing', pop3, NONE, 'warn', 'publish _pop3._tcp.example.com. 3600 IN SRV 0 0 0 .'],
    ['a server where the data offers none', pop3, found(answer(0, 1, 110, 'pop.example.com')), 'drift', 'replace the records'],
  ] as const)('%s → %s', (_case, q, lookup, status: CheckStatus, fix) => {
    const result = checkSrv(q, lookup)
    expect(result.status).toBe(status)
    if (fix === null) expect(result.fix).toBeNull()
    else expect(result.fix).toContain(fix)
  })

  it('names the record the data does not know', () => {
    expect(checkSrv(imaps, found(answer(0, 1, 993, 'imap.example.com'), answer(10, 1, 993, 'old.example.net'))).found).toBe(
      '0 1 993 imap.example.com., 10 1 993 old.example.net. (old.example.net. port 993: not in the data)',
    )
  })
})

describe('checkTxt', () => {
  const txt = question('txt:_caldavs._tcp', 'txt')
  it.each([
    ['the path among other TXT records', found('v=other', 'path=/dav/'), 'pass', null],
    ['another path', found('path=/old/'), 'drift', 'replace it with _caldavs._tcp.example.com. 3600 IN TXT "path=/dav/"'],
    ['only other TXT records', found('v=other'), 'missing', 'publish _caldavs._tcp.example.com. 3600 IN TXT "path=/dav/"'],
    ['nothing', NONE, 'missing', 'publish'],
    ['a failing resolver', FAILED, 'error', 'the resolver failed'],
  ] as const)('%s → %s', (_case, lookup, status: CheckStatus, fix) => {
    const result = checkTxt(txt, lookup)
    expect(result.status).toBe(status)
    if (fix === null) expect(result.fix).toBeNull()
    else expect(result.fix).toContain(fix)
  })

  // docs/clients.md §4.7: clients and caches may hold the old PACC document a while; both digests may be published.
  const pacc = question('txt:_ua-auto-config', 'txt')
  it.each([
    ['the new digest beside the old one', found('v=UAAC1; a=sha256; d=OLD', 'v=UAAC1; a=sha256; d=NEW'), 'pass', null],
    ['only the old digest', found('v=UAAC1; a=sha256; d=OLD'), 'drift', 'add _ua-auto-config.example.com. 3600 IN TXT "v=UAAC1; a=sha256; d=NEW" beside the old one'],
    ['nothing', NONE, 'missing', 'publish _ua-auto-config.example.com.'],
  ] as const)('PACC digest: %s → %s', (_case, lookup, status: CheckStatus, fix) => {
    const result = checkTxt(pacc, lookup)
    expect(result.status).toBe(status)
    if (fix === null) expect(result.fix).toBeNull()
    else expect(result.fix).toContain(fix)
  })
})

describe('checkAlias', () => {
  const alias = question('cname:autoconfig', 'alias')
  const SERVICE = found('192.0.2.10', '2001:db8::10')
  const FIX = 'autoconfig.example.com. 3600 IN CNAME mailconf.provider.example.'
  it.each([
    ['the CNAME', { cname: found('mailconf.provider.example'), addresses: SERVICE, serviceAddresses: SERVICE }, 'pass'],
    ['A/AAAA records with the service addresses', { cname: NONE, addresses: found('2001:db8::10', '192.0.2.10'), serviceAddresses: SERVICE }, 'pass'],
    ['A records elsewhere', { cname: NONE, addresses: found('198.51.100.1'), serviceAddresses: SERVICE }, 'drift'],
    ['a CNAME elsewhere', { cname: found('old.example.net'), addresses: found('198.51.100.1'), serviceAddresses: SERVICE }, 'drift'],
    ['a CNAME by another name to the same addresses', { cname: found('alias.provider.example'), addresses: SERVICE, serviceAddresses: SERVICE }, 'warn'],
    ['nothing', { cname: NONE, addresses: NONE, serviceAddresses: SERVICE }, 'missing'],
    ['addresses, but the service host does not resolve', { cname: NONE, addresses: found('192.0.2.10'), serviceAddresses: NONE }, 'warn'],
    ['a failing CNAME lookup', { cname: FAILED, addresses: NONE, serviceAddresses: SERVICE }, 'error'],
    ['a failing address lookup', { cname: NONE, addresses: FAILED, serviceAddresses: SERVICE }, 'error'],
  ] as const)('%s → %s', (_case, observation, status: CheckStatus) => {
    const result = checkAlias(alias, observation)
    expect(result.status).toBe(status)
    if (status === 'pass') expect(result.fix).toBeNull()
    else if (status !== 'error') expect(result.fix).toContain(FIX)
  })
})

describe('checkMx', () => {
  it.each([
    ['records, listed by preference', found<MxAnswer>({ priority: 20, exchange: 'mx2.example.com' }, { priority: 10, exchange: 'mx1.example.com' }), 'pass', '10 mx1.example.com., 20 mx2.example.com.'],
    ['none', NONE, 'missing', 'no MX record'],
    ['the null MX of RFC 7505', found<MxAnswer>({ priority: 0, exchange: '' }), 'missing', 'MX 0 . (RFC 7505: this domain accepts no mail)'],
    ['a failing resolver', FAILED, 'error', FAILED.message],
  ] as const)('%s → %s', (_case, lookup, status: CheckStatus, shownFound) => {
    const result = checkMx('example.com', lookup)
    expect(result).toMatchObject({ id: 'mx', status, found: shownFound })
  })
})
