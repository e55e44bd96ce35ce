/**
 * Test certificates made in the test's runtime (workerd or Node) with PKI.js on WebCrypto (no files,
 * nothing committed): a root CA and leaves with RSA or ECDSA P-256 keys, as PEM, for the signing
 * suite (test/protocols/apple/route.suite.ts). test/support/node/test-ca.ts makes others with the
 * system's openssl, to check signatures with openssl itself.
 *
 * PKI.js is a dev dependency for this: verifyCms checks the service's CMS (built with the
 * @peculiar/asn1-* classes) with another implementation. It stays on 3.x, which uses asn1js 3 like
 * the @peculiar packages; PKI.js 4 needs asn1js 4 beside it, and the bundle would then carry a
 * copy of asn1js 3 per @peculiar package (bench/README.md "Bundle").
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'

export const engine = new pkijs.CryptoEngine({ name: 'webcrypto', crypto }) as unknown as pkijs.ICryptoEngine

export type KeyType = 'RSA' | 'EC'

const KEY_PARAMS: Record<KeyType, Parameters<typeof crypto.subtle.generateKey>[0]> = {
  RSA: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  EC: { name: 'ECDSA', namedCurve: 'P-256' },
}

export interface Issued {
  readonly certificate: pkijs.Certificate
  readonly keys: CryptoKeyPair
  readonly certPem: string
  readonly keyPem: string
}

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)))
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

const name = (cn: string) =>
  new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })],
  })

let serial = 1

/** Issues a certificate for a fresh key; self-signed when no issuer is given. */
export async function issue(cn: string, type: KeyType, issuer?: Issued): Promise<Issued> {
  const keys = (await crypto.subtle.generateKey(KEY_PARAMS[type], true, ['sign', 'verify'])) as CryptoKeyPair
  const certificate = new pkijs.Certificate()
  certificate.version = 2
  certificate.serialNumber = new asn1js.Integer({ value: serial++ })
  certificate.subject = name(cn)
  certificate.issuer = issuer ? issuer.certificate.subject : name(cn)
  certificate.notBefore.value = new Date(Date.now() - 3_600_000)
  certificate.notAfter.value = new Date(Date.now() + 86_400_000)
  const constraints = new pkijs.BasicConstraints({ cA: !issuer })
  certificate.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: constraints.toSchema().toBER(false), parsedValue: constraints }),
  ]
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey, engine)
  await certificate.sign((issuer ?? { keys }).keys.privateKey, 'SHA-256', engine)
  const pkcs8 = (await crypto.subtle.exportKey('pkcs8', keys.privateKey)) as ArrayBuffer
  return { certificate, keys, certPem: pem('CERTIFICATE', certificate.toSchema().toBER()), keyPem: pem('PRIVATE KEY', pkcs8) }
}

/** Parses DER CMS, verifies the signature and chain against `root`; returns the attached content. */
export async function verifyCms(der: Uint8Array, root: pkijs.Certificate): Promise<{ verified: boolean; content: Uint8Array; certificates: number; signedAttributes: string[] }> {
  const info = pkijs.ContentInfo.fromBER(der)
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error(`not SignedData: ${info.contentType}`)
  const signed = new pkijs.SignedData({ schema: info.content })
  const verified = await signed.verify({ signer: 0, trustedCerts: [root], checkChain: true }, engine)
  const eContent = signed.encapContentInfo.eContent
  if (!eContent) throw new Error('no attached content')
  return {
    verified,
    content: new Uint8Array(eContent.getValue()),
    certificates: signed.certificates?.length ?? 0,
    signedAttributes: signed.signerInfos[0]?.signedAttrs?.attributes.map((a) => a.type) ?? [],
  }
}
