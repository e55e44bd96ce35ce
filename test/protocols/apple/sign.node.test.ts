/**
 * src/protocols/apple/sign.ts against the real verifier: every signed profile must pass
 * `openssl cms -verify -inform DER` against a test root (docs/clients.md §3.6) and give back exactly
 * the content that was signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { profileSigner, type SigningSecrets } from '../../../src/protocols/apple/sign'
import { createTestCa, opensslVerify, type TestCa } from '../../support/node/test-ca'

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
})
