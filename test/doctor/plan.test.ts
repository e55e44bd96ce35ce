import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { doctorPlan } from '../../src/doctor/plan'
import type { DnsRecord } from '../../src/dns/records'

const records = (serviceHost: string): DnsRecord[] => [
  { type: 'SRV', name: '_autodiscover._tcp.example.com.', ttl: 3600, priority: 0, weight: 0, port: 443, target: `${serviceHost}.` },
  { type: 'CNAME', name: 'autoconfig.example.com.', ttl: 3600, target: `${serviceHost}.` },
]

describe('doctorPlan', () => {
  const plan = doctorPlan('Example.COM.', records('mailconf.provider.example'), 'alice@example.com')

  it('asks where each client looks (docs/clients.md §1.1, §2.1, §2.7, §2.9, §3.1, §4.3), required where clients depend on it', () => {
    expect(plan.domain).toBe('example.com')
    expect(plan.serviceHost).toBe('mailconf.provider.example')
    expect(plan.probes.map((p) => `${p.id} ${p.request.method} ${p.scheme}://${p.host}${p.request.shownPath} ${p.required ? 'required' : 'optional'}`)).toEqual([
      'https:autoconfig GET https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=<address> required',
      'https:well-known GET https://example.com/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=<address> optional',
      'https:autodiscover POST https://autodiscover.example.com/autodiscover/autodiscover.xml required',
      'https:autodiscover-domain POST https://example.com/autodiscover/autodiscover.xml optional',
      'https:autodiscover-srv POST https://mailconf.provider.example/autodiscover/autodiscover.xml required',
      'https:autodiscover-json GET https://autodiscover.example.com/autodiscover/autodiscover.json?Email=<address>&Protocol=AutodiscoverV1 required',
      'https:mobileconfig GET https://autoconfig.example.com/mobileconfig?emailaddress=<address> required',
      'http:autoconfig GET http://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=<address> optional',
      'http:autodiscover GET http://autodiscover.example.com/autodiscover/autodiscover.xml optional',
    ])
  })

  // §4.6: the well-known DAV URIs are probed where the records list the domain's DAV service.
  it('asks /.well-known/caldav and /carddav on the domain when its DAV SRV records are listed', () => {
    const withDav = doctorPlan('example.com', [
      ...records('mailconf.provider.example'),
      { type: 'SRV', name: '_caldavs._tcp.example.com.', ttl: 3600, priority: 0, weight: 1, port: 443, target: 'dav.example.com.' },
      { type: 'TXT', name: '_caldavs._tcp.example.com.', ttl: 3600, text: 'path=/SOGo/dav/' },
      { type: 'SRV', name: '_carddav._tcp.example.com.', ttl: 3600, priority: 0, weight: 1, port: 8008, target: 'card.example.com.' },
    ], 'alice@example.com')
    const redirects = withDav.probes.flatMap((p) => (p.expect.kind === 'dav-redirect' ? [`${p.id} ${p.scheme}://${p.host}${p.request.path} → ${p.expect.location} ${p.required ? 'required' : 'optional'}`] : []))
    expect(redirects).toEqual([
      'https:well-known-caldav https://example.com/.well-known/caldav → https://dav.example.com/SOGo/dav/ optional',
      'https:well-known-carddav https://example.com/.well-known/carddav → http://card.example.com:8008/ optional',
    ])
    expect(plan.probes.some((p) => p.expect.kind === 'dav-redirect')).toBe(false)
  })

  it('checks one certificate per https host, required where a required request goes', () => {
    expect(plan.tls.map((t) => `${t.host} ${t.required}`)).toEqual(['autoconfig.example.com true', 'example.com false', 'autodiscover.example.com true', 'mailconf.provider.example true'])
  })

  it('percent-encodes the address in URLs and escapes it in the Autodiscover body', () => {
    const odd = doctorPlan('example.com', [], 'a&b<c+d@example.com')
    const get = odd.probes.find((p) => p.id === 'https:autoconfig')
    expect(get?.request.path).toBe('/mail/config-v1.1.xml?emailaddress=a%26b%3Cc%2Bd%40example.com')
    const post = odd.probes.find((p) => p.id === 'https:autodiscover')
    const body = new XMLParser().parse(post?.request.body ?? '') as { Autodiscover: { Request: { EMailAddress: string } } }
    expect(body.Autodiscover.Request.EMailAddress).toBe('a&b<c+d@example.com')
    expect(post?.request.body).toContain('<EMailAddress>a&amp;b&lt;c+d@example.com</EMailAddress>')
    expect(post?.request.headers['Content-Type']).toBe('text/xml; charset=utf-8')
  })

  it('leaves the SRV request out when no record names a service host, or it is autodiscover.<d> itself', () => {
    expect(doctorPlan('example.com', [], 'a@example.com').probes.map((p) => p.id)).not.toContain('https:autodiscover-srv')
    expect(doctorPlan('example.com', records('autodiscover.example.com'), 'a@example.com').probes.map((p) => p.id)).not.toContain('https:autodiscover-srv')
  })
})
