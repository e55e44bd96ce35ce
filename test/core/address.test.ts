import { describe, expect, it } from 'vitest'
import { domainFromHost, normaliseDomain, parseEmailAddress, readRawQueryParam } from '../../src/core/address'

describe('parseEmailAddress', () => {
  it.each([
    ['alice@example.com', 'alice', 'example.com'],
    // §5.1: the domain is lowercased, the local part kept as typed (RFC 5321 §2.4).
    ['Alice.Smith@Example.COM', 'Alice.Smith', 'example.com'],
    ['  bob@example.net  ', 'bob', 'example.net'],
    // docs/clients.md §5.2.
    ['user+tag@example.org', 'user+tag', 'example.org'],
    // §5.1: U-labels are converted to the stored A-label form.
    ['ü@Bücher.example', 'ü', 'xn--bcher-kva.example'],
    ['x@xn--bcher-kva.example', 'x', 'xn--bcher-kva.example'],
    ['x@example.com.', 'x', 'example.com'],
  ])('parses %j', (input, localPart, domain) => {
    expect(parseEmailAddress(input)).toEqual({ ok: true, value: { localPart, domain, address: `${localPart}@${domain}` } })
  })

  it.each([
    [null, 'missing'],
    ['', 'missing'],
    ['   ', 'missing'],
    ['alice', 'malformed'],
    ['@example.com', 'malformed'],
    ['alice@', 'malformed'],
    ['a b@example.com', 'malformed'],
    ['a\u0000b@example.com', 'malformed'],
    [`${'a'.repeat(65)}@example.com`, 'malformed'],
    ['alice@localhost', 'invalid-domain'],
    ['alice@127.0.0.1', 'invalid-domain'],
    ['alice@[127.0.0.1]', 'invalid-domain'],
    ['alice@exa_mple.com', 'invalid-domain'],
    ['alice@example.com/evil', 'invalid-domain'],
    ['alice@example.com:8080', 'invalid-domain'],
    ['alice@-example.com', 'invalid-domain'],
    [`alice@${'a'.repeat(64)}.com`, 'invalid-domain'],
  ])('rejects %j as %s', (input, error) => {
    expect(parseEmailAddress(input)).toEqual({ ok: false, error })
  })

  // Quoted local parts ("a@b"@example.com) are not supported: no mail client sends them here.
  it('rejects more than one @', () => {
    expect(parseEmailAddress('a@b@example.com')).toEqual({ ok: false, error: 'malformed' })
  })
})

describe('readRawQueryParam', () => {
  it.each([
    // §1.2: FairEmail sends the address raw; a literal + must stay a +.
    ['https://h/x?emailaddress=user+tag@example.com', 'user+tag@example.com'],
    // Thunderbird / K-9 / Evolution percent-encode @ and +.
    ['https://h/x?emailaddress=user%2Btag%40Example.com', 'user+tag@Example.com'],
    ['https://h/x?a=1&EmailAddress=x%40y.com&b=2', 'x@y.com'],
    ['https://h/x?emailaddress=x%40y.com#frag', 'x@y.com'],
    ['https://h/x?emailaddress=', ''],
    ['https://h/x?emailaddress', ''],
    ['https://h/x?other=1', null],
    ['https://h/x', null],
    ['https://h/x?emailaddress=%E0%A4%A', undefined],
  ])('reads %s', (url, expected) => {
    expect(readRawQueryParam(url, 'emailaddress')).toBe(expected)
  })
})

describe('domainFromHost', () => {
  it.each([
    ['autoconfig.example.com', 'example.com'],
    ['AutoConfig.Example.COM:443', 'example.com'],
    ['autodiscover.example.net', 'example.net'],
    ['example.org', 'example.org'],
    ['127.0.0.1:8787', null],
    ['localhost:8787', null],
    ['', null],
    [undefined, null],
  ])('maps %j to %j', (host, domain) => {
    expect(domainFromHost(host)).toBe(domain)
  })
})

describe('normaliseDomain', () => {
  it('returns null for over-long names', () => {
    expect(normaliseDomain(`${'a.'.repeat(127)}com`)).toBeNull()
  })
})
