/**
 * CMS SignedData for Apple profiles (docs/clients.md §3.6): the plist encapsulated (attached), signed
 * attributes contentType, signingTime and messageDigest, the signer's certificate and its chain,
 * DER. Built with the @peculiar/asn1-* schema classes on WebCrypto: RSA (PKCS#1 v1.5, SHA-256) or
 * ECDSA P-256 (SHA-256).
 *
 * The PEM secrets are parsed, and the key proven to match the certificate, once per isolate; a
 * request then costs one digest and one signature.
 *
 * The ASN.1 libraries (cms.ts) are loaded on the first set-up with secrets, through a dynamic import:
 * the Worker's build makes cms.ts a module of its own, so isolates that never sign (no secrets, or
 * requests other than profiles and the landing page) neither compile nor evaluate them.
 */

export interface SigningSecrets {
  readonly MOBILECONFIG_SIGNING_CERT?: string
  readonly MOBILECONFIG_SIGNING_KEY?: string
  readonly MOBILECONFIG_SIGNING_CHAIN?: string
}

/** Bytes backed by a plain ArrayBuffer, as WebCrypto's BufferSource wants them. */
export type Bytes = Uint8Array<ArrayBuffer>

export interface ProfileSigner {
  /** The DER bytes of a CMS ContentInfo holding SignedData with `content` attached. */
  sign(content: Uint8Array, signingTime: Date): Promise<Bytes>
}

export type SignerSetup =
  | { readonly kind: 'off' }
  | {
      readonly kind: 'ready'
      readonly signer: ProfileSigner
      readonly algorithm: 'RSA' | 'ECDSA P-256'
      /**
       * What works today but will not for long, or not everywhere: a certificate of the chain
       * expired, not yet valid or close to expiry; an RSA key under 2048 bits. iOS then shows the
       * profile as unverified; the operator hears it in the log (route, Node start-up).
       */
      readonly warnings: readonly string[]
    }
  /** Configured but unusable: the route answers 500 and never serves the profile unsigned. */
  | { readonly kind: 'broken'; readonly reason: string }

/** Certificates that expire within this many days are reported, so that renewal comes first. */
export const EXPIRY_WARNING_DAYS = 30
/** NIST SP 800-57: RSA under 2048 bits gives less than 112 bits of security. */
export const MIN_RSA_BITS = 2048
const DAY_MS = 24 * 60 * 60 * 1000

const day = (date: Date) => date.toISOString().slice(0, 10)

/** What to tell the operator about certificates that are (about to be) out of date, as of `now`. */
export function validityWarnings(certificates: readonly { readonly what: string; readonly notBefore: Date; readonly notAfter: Date }[], now: Date): string[] {
  return certificates.flatMap(({ what, notBefore, notAfter }) => {
    if (notAfter.getTime() <= now.getTime()) return [`${what} expired on ${day(notAfter)}: devices show signed profiles as not verified; renew it`]
    if (notBefore.getTime() > now.getTime()) return [`${what} is not valid before ${day(notBefore)}: devices show signed profiles as not verified until then`]
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS)
    if (daysLeft < EXPIRY_WARNING_DAYS) return [`${what} expires on ${day(notAfter)}, in ${daysLeft} day(s): renew it before then`]
    return []
  })
}

/** A warning for an RSA key too short to trust, or none. */
export function keySizeWarnings(algorithm: KeyAlgorithmFacts): string[] {
  if (algorithm.name !== 'RSASSA-PKCS1-v1_5' || algorithm.modulusLength === undefined) return []
  return algorithm.modulusLength < MIN_RSA_BITS
    ? [`MOBILECONFIG_SIGNING_CERT has a ${algorithm.modulusLength}-bit RSA key; use at least ${MIN_RSA_BITS} bits (or ECDSA P-256)`]
    : []
}

export interface KeyAlgorithmFacts {
  readonly name: string
  readonly modulusLength?: number | undefined
}

async function setUp(secrets: SigningSecrets, now: Date): Promise<SignerSetup> {
  const { MOBILECONFIG_SIGNING_CERT: certPem, MOBILECONFIG_SIGNING_KEY: keyPem, MOBILECONFIG_SIGNING_CHAIN: chainPem } = secrets
  if (!certPem && !keyPem && !chainPem) return { kind: 'off' }
  if (!certPem) return { kind: 'broken', reason: 'MOBILECONFIG_SIGNING_KEY or _CHAIN is set but MOBILECONFIG_SIGNING_CERT is not' }
  if (!keyPem) return { kind: 'broken', reason: 'MOBILECONFIG_SIGNING_CERT is set but MOBILECONFIG_SIGNING_KEY is not' }
  return (await import('./cms')).setUpSigner(certPem, keyPem, chainPem, now)
}

let cached: { readonly key: string; readonly setup: Promise<SignerSetup> } | undefined

/**
 * The signer for these secrets, set up on first use and kept for the isolate's life (secrets only
 * change with a new deployment, which starts new isolates; the key check covers that anyway).
 */
export function profileSigner(secrets: SigningSecrets): Promise<SignerSetup> {
  const key = [secrets.MOBILECONFIG_SIGNING_CERT, secrets.MOBILECONFIG_SIGNING_KEY, secrets.MOBILECONFIG_SIGNING_CHAIN].join('\u0000')
  // The warnings are as of the setup: an isolate (or a Node process) is rarely that long-lived,
  // and Node logs them at every start.
  if (cached?.key !== key) cached = { key, setup: setUp(secrets, new Date()) }
  return cached.setup
}
