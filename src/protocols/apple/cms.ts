/**
 * The CMS half of sign.ts: PEM and DER parsing, the key check and SignedData, with PKI.js/asn1js on
 * WebCrypto. Imported dynamically by sign.ts only when signing secrets are set, so that start-up
 * does not evaluate PKI.js and asn1js (bench/README.md "Start-up").
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { keySizeWarnings, validityWarnings, type Bytes, type KeyAlgorithmFacts, type SignerSetup } from './sign'

const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
}

// Passed explicitly: PKI.js guesses its global engine from `process`/`self`, which nodejs_compat
// makes ambiguous. The cast only bridges workers-types' SubtleCrypto, which declares the
// non-standard timingSafeEqual that PKI.js never calls.
const engine = new pkijs.CryptoEngine({ name: 'webcrypto', crypto }) as unknown as pkijs.ICryptoEngine

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

function readCertificates(text: string, what: string): pkijs.Certificate[] {
  return readPem(text, what)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => {
      try {
        return pkijs.Certificate.fromBER(b.der)
      } catch (error) {
        throw new SetupError(`${what} holds a CERTIFICATE that cannot be parsed: ${error instanceof Error ? error.message : String(error)}`)
      }
    })
}

// Taken from the signatures so the module type-checks under workers-types and Node's DOM lib alike.
type ImportParams = Parameters<typeof crypto.subtle.importKey>[2]
type SignParams = Parameters<typeof crypto.subtle.sign>[0]

type KeyKind = { readonly algorithm: 'RSA'; readonly params: ImportParams } | { readonly algorithm: 'ECDSA P-256'; readonly params: ImportParams }

function keyKindOf(certificate: pkijs.Certificate): KeyKind {
  const spki = certificate.subjectPublicKeyInfo.algorithm
  if (spki.algorithmId === OID.rsaEncryption) {
    return { algorithm: 'RSA', params: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } }
  }
  if (spki.algorithmId === OID.ecPublicKey) {
    const curve = spki.algorithmParams instanceof asn1js.ObjectIdentifier ? spki.algorithmParams.valueBlock.toString() : ''
    if (curve === OID.p256) return { algorithm: 'ECDSA P-256', params: { name: 'ECDSA', namedCurve: 'P-256' } }
    throw new SetupError(`MOBILECONFIG_SIGNING_CERT uses the elliptic curve ${curve || '(unnamed)'}; only P-256 is supported`)
  }
  throw new SetupError(`MOBILECONFIG_SIGNING_CERT has a ${spki.algorithmId} key; only RSA and ECDSA P-256 are supported`)
}

/** PKCS#8 as is; PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") wrapped into PKCS#8. */
function toPkcs8(text: string): Bytes {
  const blocks = readPem(text, 'MOBILECONFIG_SIGNING_KEY').filter((b) => b.label !== 'EC PARAMETERS')
  const block = blocks[0]
  if (blocks.length !== 1 || !block) throw new SetupError('MOBILECONFIG_SIGNING_KEY must hold exactly one private key')
  const wrap = (algorithmId: string, algorithmParams: asn1js.BaseBlock) =>
    new Uint8Array(
      new pkijs.PrivateKeyInfo({
        version: 0,
        privateKeyAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams }),
        privateKey: new asn1js.OctetString({ valueHex: block.der }),
      }).toSchema().toBER(),
    )
  if (block.label === 'PRIVATE KEY') return block.der
  if (block.label === 'RSA PRIVATE KEY') return wrap(OID.rsaEncryption, new asn1js.Null())
  if (block.label === 'EC PRIVATE KEY') return wrap(OID.ecPublicKey, new asn1js.ObjectIdentifier({ value: OID.p256 }))
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
    const publicKey = await crypto.subtle.importKey('spki', certificate.subjectPublicKeyInfo.toSchema().toBER(), kind.params, false, ['verify'])
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
          notBefore: c.notBefore.value,
          notAfter: c.notAfter.value,
        })),
        now,
      ),
    ]
    return {
      kind: 'ready',
      algorithm: kind.algorithm,
      warnings,
      signer: { sign: (content, time) => signedData(new Uint8Array(content), time, certificate, chain, privateKey) },
    }
  } catch (error) {
    if (error instanceof SetupError) return { kind: 'broken', reason: error.message }
    return { kind: 'broken', reason: `the signing certificate or key cannot be used: ${error instanceof Error ? error.message : String(error)}` }
  }
}

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] })
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0)
  return a.length - b.length
}

async function signedData(
  content: Bytes,
  signingTime: Date,
  certificate: pkijs.Certificate,
  chain: readonly pkijs.Certificate[],
  privateKey: CryptoKey,
): Promise<Bytes> {
  const digest = await crypto.subtle.digest('SHA-256', content)
  // DER (X.690 §11.6): a SET OF is sorted by encoding. Verifiers such as OpenSSL re-encode the
  // signed attributes before checking, so an unsorted set would not verify.
  const attributes = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: signingTime })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: digest })),
  ]
    .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }))
    .sort((x, y) => compareBytes(x.der, y.der))
    .map(({ a }) => a)
  const cms = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      eContent: new asn1js.OctetString({ valueHex: content }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    // §3.6: include the intermediates, or verification on the device fails.
    certificates: [certificate, ...chain],
  })
  await cms.sign(privateKey, 0, 'SHA-256', undefined, engine)
  const contentInfo = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: cms.toSchema(true) })
  return new Uint8Array(contentInfo.toSchema().toBER())
}

const COMMON_NAME = '2.5.4.3'

/** The certificate's CN (what operators recognise), else its serial number in hex. */
function subjectName(certificate: pkijs.Certificate): string {
  const cn = certificate.subject.typesAndValues.find((t) => t.type === COMMON_NAME)?.value.valueBlock.value
  if (typeof cn === 'string' && cn !== '') return `"${cn}"`
  return `with serial ${Array.from(certificate.serialNumber.valueBlock.valueHexView, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
