import { describe, expect, it } from 'vitest'
import { renderDnsRecords, renderZoneFile, type DnsRecord } from '../../src/dns/records'
import { aDavServer, aDomainConfig, anAccount, aServer } from '../support/build'

const srv = (records: DnsRecord[], label: string) =>
  records
    .filter((r) => r.type === 'SRV' && r.name.startsWith(`${label}._tcp.`))
    .map((r) => (r.type === 'SRV' ? `${r.priority} ${r.weight} ${r.port} ${r.target}` : ''))

describe('renderDnsRecords', () => {
  const full = anAccount(aDomainConfig({
    servers: [
      aServer({ type: 'imap', hostname: 'imap.example.net', port: 993, socketType: 'SSL' }),
      aServer({ type: 'imap', hostname: 'imap.example.net', port: 143, socketType: 'STARTTLS', prio: 20 }),
      aServer({ type: 'pop', hostname: 'pop.example.net', port: 995, socketType: 'SSL', prio: 30 }),
      aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL' }),
      aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 587, socketType: 'STARTTLS', prio: 20 }),
    ],
  }))

  // docs/clients.md §4.1: the composed example zone, implicit TLS preferred (RFC 8314).
  it('publishes the RFC 6186/8314 labels in preference order', () => {
    const records = renderDnsRecords(full, 'mailconf.provider.example')
    expect(srv(records, '_imaps')).toEqual(['0 1 993 imap.example.net.'])
    expect(srv(records, '_imap')).toEqual(['10 1 143 imap.example.net.'])
    // §4.1: RFC 6186 compares priorities across the IMAP and POP3 labels.
    expect(srv(records, '_pop3s')).toEqual(['20 1 995 pop.example.net.'])
    expect(srv(records, '_submissions')).toEqual(['0 1 465 smtp.example.net.'])
    expect(srv(records, '_submission')).toEqual(['10 1 587 smtp.example.net.'])
  })

  // §4.2: a service the domain does not offer gets exactly one record with target ".".
  it('marks services the domain does not offer with a "." target', () => {
    const records = renderDnsRecords(full, 'mailconf.provider.example')
    expect(srv(records, '_pop3')).toEqual(['0 0 0 .'])
    const imapOnly = renderDnsRecords(anAccount(aDomainConfig({ servers: [aServer()] })), 'svc.example')
    for (const label of ['_imap', '_pop3s', '_pop3', '_submissions', '_submission']) {
      expect(srv(imapOnly, label)).toEqual(['0 0 0 .'])
    }
  })

  // §4.3/§4.4: Autodiscover SRV to this service on 443; autoconfig/autodiscover CNAMEs.
  it('points _autodiscover._tcp and the autoconfig/autodiscover names at this service', () => {
    const records = renderDnsRecords(full, 'mailconf.provider.example')
    expect(srv(records, '_autodiscover')).toEqual(['0 0 443 mailconf.provider.example.'])
    expect(records.filter((r) => r.type === 'CNAME')).toEqual([
      { type: 'CNAME', name: 'autoconfig.example.net.', ttl: 3600, target: 'mailconf.provider.example.' },
      { type: 'CNAME', name: 'autodiscover.example.net.', ttl: 3600, target: 'mailconf.provider.example.' },
    ])
  })

  // §1.6 spirit: a plain server is not advertised next to an encrypted one.
  it('leaves out plain-text servers of a protocol that has an encrypted one', () => {
    const records = renderDnsRecords(
      anAccount(aDomainConfig({ servers: [aServer(), aServer({ port: 143, socketType: 'plain' })] })),
      'svc.example',
    )
    expect(srv(records, '_imap')).toEqual(['0 0 0 .'])
  })

  // §1.5: Thunderbird finds CalDAV/CardDAV through RFC 6764 SRV + TXT path.
  it('adds RFC 6764 records for DAV servers', () => {
    const records = renderDnsRecords(
      anAccount(aDomainConfig({ davServers: [aDavServer(), aDavServer({ type: 'carddav', url: 'http://dav.example.net:8080/card/', port: 8080, useSsl: false })] })),
      'svc.example',
    )
    expect(srv(records, '_caldavs')).toEqual(['0 1 443 dav.example.net.'])
    expect(srv(records, '_carddav')).toEqual(['0 1 8080 dav.example.net.'])
    expect(records).toContainEqual({ type: 'TXT', name: '_caldavs._tcp.example.net.', ttl: 3600, text: 'path=/caldav/' })
  })
})

describe('renderZoneFile', () => {
  it('writes one RFC 1035 line per record', () => {
    const text = renderZoneFile([
      { type: 'SRV', name: '_imaps._tcp.example.net.', ttl: 3600, priority: 0, weight: 1, port: 993, target: 'imap.example.net.' },
      { type: 'CNAME', name: 'autoconfig.example.net.', ttl: 3600, target: 'svc.example.' },
      { type: 'TXT', name: '_caldavs._tcp.example.net.', ttl: 3600, text: 'path=/a "b"\\' },
    ])
    expect(text).toBe(
      [
        '_imaps._tcp.example.net. 3600 IN SRV 0 1 993 imap.example.net.',
        'autoconfig.example.net. 3600 IN CNAME svc.example.',
        '_caldavs._tcp.example.net. 3600 IN TXT "path=/a \\"b\\"\\\\"',
        '',
      ].join('\n'),
    )
  })
})
