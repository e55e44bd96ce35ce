import { describe, expect, it } from 'vitest'
import { isLoopbackHost, parseProxyCount, resolveRequestFacts, type ConnectionFacts } from '../../src/app/request-facts'

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['localhost:8787', true],
    ['127.0.0.1:4243', true],
    ['127.1.2.3', true],
    ['[::1]:8787', true],
    ['app.localhost', true],
    ['example.com', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})

describe('parseProxyCount', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    [' 0 ', 0],
    ['1', 1],
    ['2', 2],
    ['10', 10],
  ])('reads %j as %d', (value, expected) => {
    expect(parseProxyCount(value)).toEqual({ ok: true, value: expected })
  })

  it.each(['-1', '1.5', 'one', '11', '1e1', '0x1'])('refuses %j', (value) => {
    expect(parseProxyCount(value)).toEqual({ ok: false, error: 'invalid' })
  })
})

// Behind NGINX on 127.0.0.1:4243: the URL is what the last hop asked for, the peer is that hop.
const BEHIND_PROXY: ConnectionFacts = {
  url: 'http://127.0.0.1:4243/mail/config-v1.1.xml',
  peer: '127.0.0.1',
  forwardedFor: '203.0.113.7',
  forwardedProto: 'https',
  forwardedHost: 'autoconfig.example.com',
}

describe('resolveRequestFacts', () => {
  it('ignores every X-Forwarded-* header when no proxy is trusted', () => {
    expect(resolveRequestFacts(BEHIND_PROXY, 0)).toEqual({ host: '127.0.0.1:4243', hostIsValid: true, hostname: '127.0.0.1', https: false, clientAddress: '127.0.0.1' })
  })

  it('takes client, scheme and host from one trusted proxy', () => {
    expect(resolveRequestFacts(BEHIND_PROXY, 1)).toEqual({ host: 'autoconfig.example.com', hostIsValid: true, hostname: 'autoconfig.example.com', https: true, clientAddress: '203.0.113.7' })
  })

  it('uses the URL directly when there is no proxy (Workers: scheme and host are the client\'s)', () => {
    const direct = { url: 'https://autoconfig.example.com/mail/config-v1.1.xml', peer: '198.51.100.1' }
    expect(resolveRequestFacts(direct, 0)).toEqual({ host: 'autoconfig.example.com', hostIsValid: true, hostname: 'autoconfig.example.com', https: true, clientAddress: '198.51.100.1' })
  })

  it.each([
    // Each trusted hop appends its peer: the client is the N-th entry from the right.
    ['one hop, a spoofed entry before it', 1, '6.6.6.6, 203.0.113.7', '203.0.113.7'],
    ['two hops', 2, '203.0.113.7, 10.0.0.2', '203.0.113.7'],
    ['two hops, spoofed entries before them', 2, '6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.2', '203.0.113.7'],
    ['fewer entries than trusted hops: header ignored', 2, '203.0.113.7', '127.0.0.1'],
    ['an IPv6 client', 1, '2001:db8::7', '2001:db8::7'],
    ['a value that is no address: ignored', 1, 'unknown', '127.0.0.1'],
    ['an empty header', 1, '', '127.0.0.1'],
  ])('X-Forwarded-For with %s', (_case, hops, header, expected) => {
    expect(resolveRequestFacts({ ...BEHIND_PROXY, forwardedFor: header }, hops).clientAddress).toBe(expected)
  })

  it.each([
    ['https from the trusted hop', 1, 'https', true],
    ['http from the trusted hop (the client used plain http)', 1, 'http', false],
    ['upper case', 1, 'HTTPS', true],
    ['a client-sent https before the trusted hop\'s http', 1, 'https, http', false],
    ['two hops, the outer one saw https', 2, 'https, http', true],
    ['fewer entries than hops: ignored, the URL decides', 2, 'https', false],
    ['an unknown scheme: ignored', 1, 'gopher', false],
  ])('X-Forwarded-Proto: %s', (_case, hops, header, expected) => {
    expect(resolveRequestFacts({ ...BEHIND_PROXY, forwardedProto: header }, hops).https).toBe(expected)
  })

  it.each([
    ['the trusted hop\'s host, lowercased', 1, 'AutoConfig.Example.COM', 'autoconfig.example.com'],
    ['with a port', 1, 'autoconfig.example.com:8443', 'autoconfig.example.com:8443'],
    ['a spoofed host before the trusted one', 1, 'evil.example, autoconfig.example.com', 'autoconfig.example.com'],
    ['markup instead of a host: ignored', 1, '<x>.example', '127.0.0.1:4243'],
    ['absent', 1, undefined, '127.0.0.1:4243'],
  ])('X-Forwarded-Host: %s', (_case, hops, header, expected) => {
    expect(resolveRequestFacts({ ...BEHIND_PROXY, forwardedHost: header }, hops).host).toBe(expected)
  })

  it.each([
    ['a name', 'autoconfig.example.com', true],
    ['a name with a port', 'autoconfig.example.com:8443', true],
    ['a name ending in the root dot', 'autoconfig.example.com.', true],
    ['an internal name with an underscore', 'mail_gw.corp', true],
    ['an IPv4 address with a port', '127.0.0.1:4243', true],
    ['an IPv6 literal', '[::1]:4243', true],
    ['a quote (a URL parser accepts it in a host)', 'a"b.example', false],
    ['braces', 'a{b}.example', false],
    ['a dollar sign and a comma', 'a$b,c.example', false],
    ['a backtick', 'x`y.example', false],
  ])('the URL host %s: valid %s', (_case, host, expected) => {
    const facts = resolveRequestFacts({ url: `http://${host}/autodiscover/autodiscover.xml`, peer: null }, 0)
    expect(facts.hostIsValid).toBe(expected)
  })

  it('keeps the peer when nothing is known about the client', () => {
    expect(resolveRequestFacts({ url: 'http://x.example/', peer: null }, 0).clientAddress).toBeNull()
  })
})
