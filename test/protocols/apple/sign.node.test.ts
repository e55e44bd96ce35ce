/**
 * src/protocols/apple/sign.ts against the real verifier: every signed profile must pass
 * `openssl cms -verify -inform DER` against a test root (docs/clients.md §3.6) and give back exactly
 * the content that was signed.
 */
import { ContentInfo, SignedData } from '@peculiar/asn1-cms'
import { ECDSASigValue } from '@peculiar/asn1-ecc'
import { AsnConvert } from '@peculiar/asn1-schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logSignerWarnings } from '../../../src/protocols/apple/route'
import { EXPIRY_WARNING_DAYS, profileSigner, validityWarnings, type SigningSecrets } from '../../../src/protocols/apple/sign'
import { createTestCa, opensslDate, opensslVerify, type TestCa } from '../../support/node/test-ca'

let ca: TestCa
beforeAll(() => {
  ca = createTestCa()
})
afterAll(() => ca?.dispose())

const PROFILE = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>k</key><string>Grüße &amp; ☃</string></dict></plist>\n')

async function signWith(secrets: SigningSecrets) {
  const setup = await profileSigner(secrets)
  if (setup.kind !== 'ready') throw new Error(`signer not ready: ${JSON.stringify(setup)}`)
  return setup.signer.sign(PROFILE, new Date('2026-11-24T12:00:00Z'))
}

describe('profileSigner with openssl verification', () => {
  it.each([
    ['RSA, PKCS#8 key', () => ({ cert: ca.rsa.cert, key: ca.rsa.pkcs8 })],
    ['RSA, PKCS#1 key', () => ({ cert: ca.rsa.cert, key: ca.rsa.pkcs1 })],
    ['ECDSA P-256, PKCS#8 key', () => ({ cert: ca.ec.cert, key: ca.ec.pkcs8 })],
    ['ECDSA P-256, SEC1 key (with EC PARAMETERS)', () => ({ cert: ca.ec.cert, key: ca.ec.sec1 })],
  ])('signs so that openssl verifies it and extracts the same bytes: %s', async (_case, pair) => {
    const { cert, key } = pair()
    const der = await signWith({ MOBILECONFIG_SIGNING_CERT: cert, MOBILECONFIG_SIGNING_KEY: key, MOBILECONFIG_SIGNING_CHAIN: ca.intermediatePem })
    expect(der[0]).toBe(0x30)
    expect(Buffer.from(opensslVerify(ca, der, ca.rootFile))).toEqual(Buffer.from(PROFILE))
  })

  it('accepts the chain appended to the certificate (a fullchain.pem)', async () => {
    const der = await signWith({ MOBILECONFIG_SIGNING_CERT: ca.rsa.cert + ca.intermediatePem, MOBILECONFIG_SIGNING_KEY: ca.rsa.pkcs8 })
    expect(Buffer.from(opensslVerify(ca, der, ca.rootFile))).toEqual(Buffer.from(PROFILE))
  })

  it('writes the signed attributes, the signer and the chain, content attached', async () => {
    const der = await signWith({ MOBILECONFIG_SIGNING_CERT: ca.ec.cert, MOBILECONFIG_SIGNING_KEY: ca.ec.pkcs8, MOBILECONFIG_SIGNING_CHAIN: ca.intermediatePem })
    const file = `${ca.dir}/attrs.der`
    await import('node:fs').then((fs) => fs.writeFileSync(file, der))
    const printed = ca.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]).toString()
    for (const attribute of ['contentType', 'messageDigest', 'signingTime']) expect(printed).toContain(`object: ${attribute}`)
    expect(printed).toContain('Nov 24 12:00:00 2026 GMT')
    expect(printed).toContain('CN=mailconf test ec')
    expect(printed).toContain('CN=mailconf test intermediate')
    expect(printed).toMatch(/eContent:\s*\n?\s*0000 - 3c 3f 78 6d 6c/)
  })

  it('encodes ECDSA r and s as minimal positive INTEGERs: a leading 00 when the top bit is set, none when the value is short', async () => {
    // WebCrypto gives r and s as 32 bytes each; openssl refuses a signature whose INTEGERs are not
    // minimal DER. A short r or s (top byte 0) comes about once in 128 signatures: sign until both
    // cases have turned up, then let openssl verify those.
    const setup = await profileSigner({ MOBILECONFIG_SIGNING_CERT: ca.ec.cert, MOBILECONFIG_SIGNING_KEY: ca.ec.pkcs8, MOBILECONFIG_SIGNING_CHAIN: ca.intermediatePem })
    if (setup.kind !== 'ready') throw new Error(`signer not ready: ${JSON.stringify(setup)}`)
    const found = new Map<'short' | 'padded', Uint8Array>()
    for (let i = 0; i < 5000 && found.size < 2; i++) {
      const der = await setup.signer.sign(PROFILE, new Date('2026-11-24T12:00:00Z'))
      const signature = AsnConvert.parse(AsnConvert.parse(der, ContentInfo).content, SignedData).signerInfos[0]?.signature
      if (!signature) throw new Error('no SignerInfo')
      const { r, s } = AsnConvert.parse(signature, ECDSASigValue)
      for (const integer of [new Uint8Array(r), new Uint8Array(s)]) {
        if (integer.length < 32) found.set('short', der)
        if (integer.length === 33) {
          expect(integer[0]).toBe(0)
          found.set('padded', der)
        }
      }
    }
    expect([...found.keys()].sort()).toEqual(['padded', 'short'])
    for (const der of found.values()) expect(Buffer.from(opensslVerify(ca, der, ca.rootFile))).toEqual(Buffer.from(PROFILE))
  })

  it('fails verification without the intermediate, against another root, or when tampered with', async () => {
    const noChain = await signWith({ MOBILECONFIG_SIGNING_CERT: ca.rsa.cert, MOBILECONFIG_SIGNING_KEY: ca.rsa.pkcs8 })
    expect(() => opensslVerify(ca, noChain, ca.rootFile)).toThrow(/unable to get local issuer certificate/)
    const good = await signWith({ MOBILECONFIG_SIGNING_CERT: ca.rsa.cert, MOBILECONFIG_SIGNING_KEY: ca.rsa.pkcs8, MOBILECONFIG_SIGNING_CHAIN: ca.intermediatePem })
    expect(() => opensslVerify(ca, good, ca.otherRootFile)).toThrow(/Verification failure|certificate verify error/)
    const tampered = Uint8Array.from(good)
    const at = Buffer.from(tampered).indexOf('Gr')
    tampered[at] = 'g'.charCodeAt(0)
    expect(() => opensslVerify(ca, tampered, ca.rootFile)).toThrow(/digest failure|Verification failure/)
  })

  it.each<[string, () => SigningSecrets, RegExp]>([
    ['a key that is not base64', () => ({ MOBILECONFIG_SIGNING_CERT: ca.rsa.cert, MOBILECONFIG_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n' }), /MOBILECONFIG_SIGNING_KEY has a PRIVATE KEY block that is not valid base64/],
    ['a certificate that is not DER', () => ({ MOBILECONFIG_SIGNING_CERT: '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n', MOBILECONFIG_SIGNING_KEY: ca.rsa.pkcs8 }), /MOBILECONFIG_SIGNING_CERT holds a CERTIFICATE that cannot be parsed/],
    ['no PEM at all', () => ({ MOBILECONFIG_SIGNING_CERT: 'my-cert.pem', MOBILECONFIG_SIGNING_KEY: ca.rsa.pkcs8 }), /MOBILECONFIG_SIGNING_CERT holds no PEM block/],
    ['a certificate without a key', () => ({ MOBILECONFIG_SIGNING_CERT: ca.rsa.cert }), /MOBILECONFIG_SIGNING_KEY is not/],
    ['an EC key for an RSA certificate', () => ({ MOBILECONFIG_SIGNING_CERT: ca.rsa.cert, MOBILECONFIG_SIGNING_KEY: ca.ec.pkcs8 }), /not a RSA private key/],
    ['the intermediate key for the leaf certificate', () => ({ MOBILECONFIG_SIGNING_CERT: ca.ec.cert, MOBILECONFIG_SIGNING_KEY: ca.openssl(['pkey', '-in', 'intermediate.key']).toString() }), /does not match MOBILECONFIG_SIGNING_CERT/],
    ['an encrypted key', () => ({ MOBILECONFIG_SIGNING_CERT: ca.ec.cert, MOBILECONFIG_SIGNING_KEY: ca.openssl(['pkcs8', '-topk8', '-in', 'ec.key', '-passout', 'pass:x']).toString() }), /encrypted/],
  ])('reports %s as broken, with a reason', async (_case, secrets, reason) => {
    const setup = await profileSigner(secrets())
    expect(setup.kind).toBe('broken')
    expect(setup.kind === 'broken' && setup.reason).toMatch(reason)
  })

  describe('warnings about certificates and keys that still work', () => {
    const warningsFor = async (cert: string, key: string, chain?: string) => {
      const setup = await profileSigner({ MOBILECONFIG_SIGNING_CERT: cert, MOBILECONFIG_SIGNING_KEY: key, MOBILECONFIG_SIGNING_CHAIN: chain })
      if (setup.kind !== 'ready') throw new Error(`signer not ready: ${JSON.stringify(setup)}`)
      return setup.warnings
    }

    it('has none for a P-256 or 2048-bit RSA leaf valid for a year', async () => {
      for (const key of ['ec', 'rsa:2048'] as const) {
        const leaf = ca.issueLeaf(`year-${key.replace(':', '')}`, key, opensslDate(-1), opensslDate(365))
        expect(await warningsFor(leaf.cert, leaf.pkcs8)).toEqual([])
      }
    })

    it('names a leaf that expired, and still signs with it', async () => {
      const leaf = ca.issueLeaf('expired', 'ec', '20240101000000Z', '20240201000000Z')
      expect(await warningsFor(leaf.cert, leaf.pkcs8)).toEqual(['MOBILECONFIG_SIGNING_CERT expired on 2024-02-01: devices show signed profiles as not verified; renew it'])
      expect(await signWith({ MOBILECONFIG_SIGNING_CERT: leaf.cert, MOBILECONFIG_SIGNING_KEY: leaf.pkcs8 })).toBeInstanceOf(Uint8Array)
    })

    it('names a leaf that is not valid yet', async () => {
      const leaf = ca.issueLeaf('future', 'ec', '20400101000000Z', '20410101000000Z')
      expect(await warningsFor(leaf.cert, leaf.pkcs8)).toEqual(['MOBILECONFIG_SIGNING_CERT is not valid before 2040-01-01: devices show signed profiles as not verified until then'])
    })

    it(`names a leaf that expires within ${EXPIRY_WARNING_DAYS} days, with the date`, async () => {
      const leaf = ca.issueLeaf('soon', 'ec', opensslDate(-300), opensslDate(10.5))
      const [warning, ...more] = await warningsFor(leaf.cert, leaf.pkcs8)
      expect(more).toEqual([])
      expect(warning).toMatch(/^MOBILECONFIG_SIGNING_CERT expires on \d{4}-\d\d-\d\d, in 10 day\(s\): renew it before then$/)
    })

    it('names a chain certificate close to expiry by its common name', async () => {
      // The test intermediate is valid for two days (test/support/node/test-ca.ts).
      const leaf = ca.issueLeaf('year-with-chain', 'ec', opensslDate(-1), opensslDate(365))
      const warnings = await warningsFor(leaf.cert, leaf.pkcs8, ca.intermediatePem)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/^the chain certificate "mailconf test intermediate" expires on .*, in 1 day\(s\)/)
    })

    it('names an RSA key under 2048 bits, and still signs with it', async () => {
      const leaf = ca.issueLeaf('weak', 'rsa:1024', opensslDate(-1), opensslDate(365))
      expect(await warningsFor(leaf.cert, leaf.pkcs8)).toEqual(['MOBILECONFIG_SIGNING_CERT has a 1024-bit RSA key; use at least 2048 bits (or ECDSA P-256)'])
    })

    it('reach the log once per setup, however many profiles are signed (logSignerWarnings)', async () => {
      const leaf = ca.issueLeaf('logged-once', 'rsa:1024', '20240101000000Z', '20240201000000Z')
      const setup = await profileSigner({ MOBILECONFIG_SIGNING_CERT: leaf.cert, MOBILECONFIG_SIGNING_KEY: leaf.pkcs8 })
      const logged: { level: string; fields: unknown }[] = []
      const log = { log: (level: string, _message: string, fields?: unknown) => void logged.push({ level, fields }), logs: () => true }
      logSignerWarnings(log, setup)
      logSignerWarnings(log, setup)
      logSignerWarnings(log, await profileSigner({ MOBILECONFIG_SIGNING_CERT: leaf.cert, MOBILECONFIG_SIGNING_KEY: leaf.pkcs8 }))
      expect(logged.map((l) => l.level)).toEqual(['warn', 'warn'])
      expect(JSON.stringify(logged)).toContain('1024-bit RSA key')
      expect(JSON.stringify(logged)).toContain('expired on 2024-02-01')
    })

    it.each([
      ['a day before notBefore', '2026-01-01T00:00:00Z', ['X is not valid before 2026-01-02: devices show signed profiles as not verified until then']],
      ['on the first day', '2026-01-02T00:00:00Z', []],
      [`${EXPIRY_WARNING_DAYS} days before notAfter`, '2026-06-01T00:00:00Z', []],
      [`${EXPIRY_WARNING_DAYS - 1} days and a bit before notAfter`, '2026-06-01T00:00:01Z', ['X expires on 2026-07-01, in 29 day(s): renew it before then']],
      ['at notAfter', '2026-07-01T00:00:00Z', ['X expired on 2026-07-01: devices show signed profiles as not verified; renew it']],
    ])('validityWarnings %s', (_case, now, expected) => {
      const certificate = { what: 'X', notBefore: new Date('2026-01-02T00:00:00Z'), notAfter: new Date('2026-07-01T00:00:00Z') }
      expect(validityWarnings([certificate], new Date(now))).toEqual(expected)
    })
  })
})
