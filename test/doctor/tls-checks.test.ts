import { describe, expect, it } from 'vitest'
import type { CheckStatus } from '../../src/doctor/report'
import { certificateCovers, checkCertificate, type TlsObservation, type TlsTarget } from '../../src/doctor/tls-checks'

const NOW = new Date('2026-06-01T00:00:00Z')
const days = (n: number) => new Date(NOW.getTime() + n * 24 * 60 * 60 * 1000)
const TARGET: TlsTarget = { host: 'autodiscover.example.com', port: 443, required: true, role: 'Autodiscover' }
const OPTIONAL: TlsTarget = { ...TARGET, host: 'example.com', required: false, role: 'the bare domain' }

const seen = (over: Partial<Extract<TlsObservation, { kind: 'handshake' }>> = {}): TlsObservation => ({
  kind: 'handshake',
  trusted: true,
  reason: null,
  names: ['autodiscover.example.com', 'example.com'],
  validFrom: days(-30),
  validTo: days(60),
  issuer: 'Test CA',
  ...over,
})

describe('certificateCovers', () => {
  it.each([
    [['autodiscover.example.com'], 'autodiscover.example.com', true],
    [['AUTODISCOVER.example.com'], 'autodiscover.EXAMPLE.com', true],
    [['*.example.com'], 'autodiscover.example.com', true],
    [['*.example.com'], 'example.com', false],
    [['*.example.com'], 'a.b.example.com', false],
    [['autoconfig.example.com'], 'autodiscover.example.com', false],
    [[], 'example.com', false],
  ])('%j covers %s: %s', (names, host, covers) => {
    expect(certificateCovers(names, host)).toBe(covers)
  })
})

describe('checkCertificate', () => {
  it.each([
    ['a trusted certificate for the name', TARGET, seen(), 'pass', null],
    ['one expiring in 10 days', TARGET, seen({ validTo: days(10) }), 'warn', 'renew the certificate for autodiscover.example.com'],
    ['one for other names', TARGET, seen({ trusted: false, reason: 'ERR_TLS_CERT_ALTNAME_INVALID', names: ['autoconfig.example.com'] }), 'error', 'names include autodiscover.example.com'],
    ['one for other names, optional', OPTIONAL, seen({ trusted: false, reason: 'ERR_TLS_CERT_ALTNAME_INVALID', names: ['autoconfig.example.com'] }), 'warn', 'optional (the bare domain): serve a certificate whose names include example.com'],
    ['an expired one', TARGET, seen({ trusted: false, reason: 'CERT_HAS_EXPIRED', validTo: days(-1) }), 'error', 'renew the certificate for autodiscover.example.com'],
    ['an untrusted chain', TARGET, seen({ trusted: false, reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'error', 'serve the full chain'],
    ['no handshake', TARGET, { kind: 'failed', message: 'ECONNREFUSED: connect ECONNREFUSED 192.0.2.1:443' }, 'error', 'make autodiscover.example.com answer https on port 443'],
  ] as const)('%s → %s', (_case, target, observed, status: CheckStatus, fix) => {
    const result = checkCertificate(target, observed, NOW)
    expect(result.id).toBe(`tls:${target.host}`)
    expect(result.status).toBe(status)
    if (fix === null) expect(result.fix).toBeNull()
    else expect(result.fix).toContain(fix)
  })

  it('says what was presented and how long it lasts', () => {
    expect(checkCertificate(TARGET, seen(), NOW).found).toBe('certificate for autodiscover.example.com, example.com by Test CA, valid 2026-05-02 to 2026-07-31 (60 days left)')
    expect(checkCertificate(TARGET, seen({ validTo: days(3) }), NOW).found).toContain('expires in 3 days')
  })
})
