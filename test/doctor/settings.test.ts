import { describe, expect, it } from 'vitest'
import { parsePort, parseResolver } from '../../src/doctor/settings'

describe('parseResolver', () => {
  it.each([
    ['127.0.0.1:5353', '127.0.0.1:5353'],
    ['127.0.0.1', '127.0.0.1:53'],
    [' 9.9.9.9:53 ', '9.9.9.9:53'],
    ['[::1]:5353', '[::1]:5353'],
    ['[::1]', '[::1]:53'],
    ['::1', '[::1]:53'],
    ['2001:db8::53', '[2001:db8::53]:53'],
  ])('%s → %s', (text, server) => {
    expect(parseResolver(text, '--resolver')).toEqual({ ok: true, value: server })
  })

  it.each(['dns.google', 'dns.google:53', '', '1.2.3.4:0', '1.2.3.4:65536', '256.1.1.1', '1.2.3', 'user@1.2.3.4', '1.2.3.4/path', '1.2.3.4:53?x', 'abc'])('refuses %j, naming the option', (text) => {
    const parsed = parseResolver(text, '--resolver')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toMatch(/^--resolver takes the address of a DNS server/)
  })
})

describe('parsePort', () => {
  it.each([
    ['443', { ok: true, value: 443 }],
    ['1', { ok: true, value: 1 }],
    ['65535', { ok: true, value: 65535 }],
    ['0', { ok: false, error: "--https-port must be a port from 1 to 65535, not '0'" }],
    ['65536', { ok: false, error: "--https-port must be a port from 1 to 65535, not '65536'" }],
    ['44x', { ok: false, error: "--https-port must be a port from 1 to 65535, not '44x'" }],
    ['', { ok: false, error: "--https-port must be a port from 1 to 65535, not ''" }],
  ])('%j', (text, result) => {
    expect(parsePort(text, '--https-port')).toEqual(result)
  })
})
