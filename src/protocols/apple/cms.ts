/**
 * The CMS half of sign.ts: PEM and DER parsing, the key check and SignedData, with the
 * @peculiar/asn1-* schema classes for the structures and WebCrypto for digest and signature.
 * Imported dynamically by sign.ts only when signing secrets are set, so that start-up does not
 * evaluate them (bench/README.md "Start-up").
 */
import { AsnAnyConverter, AsnArray, AsnConvert, AsnIntegerBigIntConverter, AsnObjectIdentifierConverter, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema'
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  MessageDigest,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
} from '@peculiar/asn1-cms'
import { ECDSASigValue, ECParameters } from '@peculiar/asn1-ecc'
import { PrivateKey, PrivateKeyInfo } from '@peculiar/asn1-pkcs8'
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509'
import { keySizeWarnings, validityWarnings, type Bytes, type KeyAlgorithmFacts, type SignerSetup } from './sign'

const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  p256: '1.2.840.10045.3.1.7',
  sha256: '2.16.840.1.101.3.4.2.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
}

class SetupError extends Error {}

interface PemBlock {
  readonly label: string
  readonly der: Bytes
}

/** RFC 7468 textual encoding; refuses what it cannot read rather than guessing. */
function readPem(text: string, what: string): PemBlock[] {
  const blocks: PemBlock[] = []
  for (const match of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const label = match[1] ?? ''
    const body = match[2] ?? ''
    // Legacy OpenSSL encryption writes "Proc-Type: 4,ENCRYPTED" headers inside the block.
    if (label === 'ENCRYPTED PRIVATE KEY' || body.includes('ENCRYPTED')) {
      throw new SetupError(`${what} is an encrypted key; give it unencrypted (openssl pkcs8 -topk8 -nocrypt)`)
    }
    const base64 = body.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new SetupError(`${what} has a ${label} block that is not valid base64`)
    blocks.push({ label, der: Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)) })
  }
  if (blocks.length === 0) throw new SetupError(`${what} holds no PEM block (-----BEGIN …-----)`)
  return blocks
}

/**
 * A certificate as the operator gave it: parsed for its fields, written into the SignedData with
 * its own bytes. The issuer's signature covers those bytes, and re-encoding the parsed fields need
 * not reproduce them (a non-DER detail anywhere would break the chain on the device). asn1-schema
 * serialises an object that has toASN/fromASN through them instead of through its schema.
 */
class GivenCertificate extends Certificate {
  constructor(private readonly encoding: ArrayBuffer) {
    super(AsnConvert.parse(encoding, Certificate))
  }

  toASN() {
    return AsnAnyConverter.toASN(this.encoding)
  }

  fromASN(): never {
    throw new Error('GivenCertificate is only written, never parsed into')
  }
}

function readCertificates(text: string, what: string): GivenCertificate[] {
  return readPem(text, what)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => {
      try {
        return new GivenCertificate(b.der.buffer)
      } catch (error) {
        throw new SetupError(`${what} holds a CERTIFICATE that cannot be parsed: ${error instanceof Error ? error.message : String(error)}`)
      }
    })
}

// Taken from the signatures so the module type-checks under workers-types and Node's DOM lib alike.
type ImportParams = Parameters<typeof crypto.subtle.importKey>[2]
type SignParams = Parameters<typeof crypto.subtle.sign>[0]

type KeyKind = { readonly algorithm: 'RSA'; readonly params: ImportParams } | { readonly algorithm: 'ECDSA P-256'; readonly params: ImportParams }

/** The named curve of an id-ecPublicKey, or '' for explicit or absent parameters. */
function namedCurve(parameters: ArrayBuffer | null | undefined): string {
  if (!parameters) return ''
  try {
    return AsnConvert.parse(parameters, ECParameters).namedCurve ?? ''
  } catch {
    return ''
  }
}

function keyKindOf(certificate: Certificate): KeyKind {
  const spki = certificate.tbsCertificate.subjectPublicKeyInfo.algorithm
  if (spki.algorithm === OID.rsaEncryption) {
    return { algorithm: 'RSA', params: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } }
  }
  if (spki.algorithm === OID.ecPublicKey) {
    const curve = namedCurve(spki.parameters)
    if (curve === OID.p256) return { algorithm: 'ECDSA P-256', params: { name: 'ECDSA', namedCurve: 'P-256' } }
    throw new SetupError(`MOBILECONFIG_SIGNING_CERT uses the elliptic curve ${curve || '(unnamed)'}; only P-256 is supported`)
  }
  throw new SetupError(`MOBILECONFIG_SIGNING_CERT has a ${spki.algorithm} key; only RSA and ECDSA P-256 are supported`)
}

const der = (value: unknown): Bytes => new Uint8Array(AsnConvert.serialize(value))

/** PKCS#8 as is; PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") wrapped into PKCS#8. */
function toPkcs8(text: string): Bytes {
  const blocks = readPem(text, 'MOBILECONFIG_SIGNING_KEY').filter((b) => b.label !== 'EC PARAMETERS')
  const block = blocks[0]
  if (blocks.length !== 1 || !block) throw new SetupError('MOBILECONFIG_SIGNING_KEY must hold exactly one private key')
  const wrap = (algorithm: string, parameters: ArrayBuffer | null) =>
    der(
      new PrivateKeyInfo({
        privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm, parameters }),
        privateKey: new PrivateKey(block.der),
      }),
    )
  if (block.label === 'PRIVATE KEY') return block.der
  if (block.label === 'RSA PRIVATE KEY') return wrap(OID.rsaEncryption, null)
  if (block.label === 'EC PRIVATE KEY') return wrap(OID.ecPublicKey, AsnConvert.serialize(new ECParameters({ namedCurve: OID.p256 })))
  throw new SetupError(`MOBILECONFIG_SIGNING_KEY holds a ${block.label} block; expected PRIVATE KEY (PKCS#8)`)
}

/** The name and, for RSA, the modulus length of an imported key (WebCrypto's RsaKeyAlgorithm). */
function keyAlgorithmFacts(key: CryptoKey): KeyAlgorithmFacts {
  const algorithm: object = key.algorithm
  const modulusLength = 'modulusLength' in algorithm && typeof algorithm.modulusLength === 'number' ? algorithm.modulusLength : undefined
  return { name: key.algorithm.name, modulusLength }
}

const signatureParams = (kind: KeyKind): SignParams =>
  kind.algorithm === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' }

/** Parses the PEM secrets, proves the key matches the certificate, and builds the signer. */
export async function setUpSigner(certPem: string, keyPem: string, chainPem: string | undefined, now: Date): Promise<SignerSetup> {
  try {
    // The certificate variable may hold a full chain (e.g. a fullchain.pem): the first is the signer.
    const [certificate, ...rest] = readCertificates(certPem, 'MOBILECONFIG_SIGNING_CERT')
    if (!certificate) throw new SetupError('MOBILECONFIG_SIGNING_CERT holds no CERTIFICATE block')
    const chain = [...rest, ...(chainPem ? readCertificates(chainPem, 'MOBILECONFIG_SIGNING_CHAIN') : [])]
    const kind = keyKindOf(certificate)
    let privateKey: CryptoKey
    try {
      privateKey = await crypto.subtle.importKey('pkcs8', toPkcs8(keyPem), kind.params, false, ['sign'])
    } catch (error) {
      if (error instanceof SetupError) throw error
      throw new SetupError(`MOBILECONFIG_SIGNING_KEY is not a ${kind.algorithm} private key matching the certificate's key type`)
    }
    // Prove the pair once: sign a probe with the key, verify it with the certificate's public key.
    const publicKey = await crypto.subtle.importKey('spki', der(certificate.tbsCertificate.subjectPublicKeyInfo), kind.params, false, ['verify'])
    const probe = new TextEncoder().encode('mailconf signing probe')
    const probeSignature = await crypto.subtle.sign(signatureParams(kind), privateKey, probe)
    if (!(await crypto.subtle.verify(signatureParams(kind), publicKey, probeSignature, probe))) {
      throw new SetupError('MOBILECONFIG_SIGNING_KEY does not match MOBILECONFIG_SIGNING_CERT')
    }
    const warnings = [
      ...keySizeWarnings(keyAlgorithmFacts(publicKey)),
      ...validityWarnings(
        [certificate, ...chain].map((c, i) => ({
          what: i === 0 ? 'MOBILECONFIG_SIGNING_CERT' : `the chain certificate ${subjectName(c)}`,
          notBefore: c.tbsCertificate.validity.notBefore.getTime(),
          notAfter: c.tbsCertificate.validity.notAfter.getTime(),
        })),
        now,
      ),
    ]
    return {
      kind: 'ready',
      algorithm: kind.algorithm,
      warnings,
      signer: { sign: (content, time) => signedData(new Uint8Array(content), time, kind, certificate, chain, privateKey) },
    }
  } catch (error) {
    if (error instanceof SetupError) return { kind: 'broken', reason: error.message }
    return { kind: 'broken', reason: `the signing certificate or key cannot be used: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/** RFC 5652 §5.3 SignedAttributes ::= SET SIZE (1..MAX) OF Attribute: what the signature covers. */
class SignedAttributes extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items)
    Object.setPrototypeOf(this, SignedAttributes.prototype)
  }
}
// The decorator applied as a call: the project compiles without experimentalDecorators.
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(SignedAttributes)

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0)
  return a.length - b.length
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/**
 * WebCrypto's ECDSA signature is r and s side by side (IEEE P1363); CMS wants the DER
 * ECDSA-Sig-Value (RFC 5753 §2.1.1), whose INTEGERs are minimal and positive.
 */
function ecdsaSigValue(raw: Uint8Array): ArrayBuffer {
  const integer = (bytes: Uint8Array) => AsnIntegerBigIntConverter.toASN(BigInt(`0x${hex(bytes) || '0'}`)).valueBlock.valueHexView.slice().buffer
  const half = raw.length / 2
  return AsnConvert.serialize(new ECDSASigValue({ r: integer(raw.subarray(0, half)), s: integer(raw.subarray(half)) }))
}

async function signedData(
  content: Bytes,
  signingTime: Date,
  kind: KeyKind,
  certificate: GivenCertificate,
  chain: readonly GivenCertificate[],
  privateKey: CryptoKey,
): Promise<Bytes> {
  const digest = await crypto.subtle.digest('SHA-256', content)
  const attribute = (attrType: string, value: ArrayBuffer) => new Attribute({ attrType, attrValues: [value] })
  // DER (X.690 §11.6): a SET OF is sorted by encoding. Verifiers such as OpenSSL re-encode the
  // signed attributes before checking, so an unsorted set would not verify.
  const attributes = [
    attribute(OID.contentType, AsnConvert.serialize(AsnObjectIdentifierConverter.toASN(OID.data))),
    attribute(OID.signingTime, AsnConvert.serialize(new SigningTime(signingTime))),
    attribute(OID.messageDigest, AsnConvert.serialize(new MessageDigest(digest))),
  ]
    .map((a) => ({ a, der: der(a) }))
    .sort((x, y) => compareBytes(x.der, y.der))
    .map(({ a }) => a)
  // §5.4: the signature is over the attributes' DER as a SET OF, not as the [0] IMPLICIT field.
  const signature = new Uint8Array(await crypto.subtle.sign(signatureParams(kind), privateKey, der(new SignedAttributes(attributes))))
  const sha256 = () => new DigestAlgorithmIdentifier({ algorithm: OID.sha256, parameters: null })
  const signed = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha256()]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: OID.data,
      eContent: new EncapsulatedContent({ single: new OctetString(content) }),
    }),
    // §3.6: include the intermediates, or verification on the device fails.
    certificates: new CertificateSet([certificate, ...chain].map((c) => new CertificateChoices({ certificate: c }))),
    signerInfos: new SignerInfos([
      new SignerInfo({
        version: CMSVersion.v1,
        sid: new SignerIdentifier({
          issuerAndSerialNumber: new IssuerAndSerialNumber({
            issuer: certificate.tbsCertificate.issuer,
            serialNumber: certificate.tbsCertificate.serialNumber,
          }),
        }),
        digestAlgorithm: sha256(),
        signedAttrs: attributes,
        signatureAlgorithm: new SignatureAlgorithmIdentifier({ algorithm: kind.algorithm === 'RSA' ? OID.sha256WithRSAEncryption : OID.ecdsaWithSHA256 }),
        signature: new OctetString(kind.algorithm === 'RSA' ? signature : ecdsaSigValue(signature)),
      }),
    ]),
  })
  return der(new ContentInfo({ contentType: OID.signedData, content: AsnConvert.serialize(signed) }))
}

const COMMON_NAME = '2.5.4.3'

/** The certificate's CN (what operators recognise), else its serial number in hex. */
function subjectName(certificate: Certificate): string {
  const { subject, serialNumber } = certificate.tbsCertificate
  const cn = subject.flatMap((rdn) => [...rdn]).find((t) => t.type === COMMON_NAME)?.value
  // A CN in a string type asn1-x509 does not name is kept as anyValue, whose toString is hex.
  const text = cn && !cn.anyValue ? cn.toString() : ''
  if (text !== '') return `"${text}"`
  return `with serial ${hex(new Uint8Array(serialNumber))}`
}
