/**
 * Certificates, as clients meet them: a CNAME does not change the name a client checks (docs/clients.md
 * §4.4), so every host a client connects to needs a certificate for that very name, from a CA it
 * trusts, not expired. src/node/doctor/tls.ts connects; this judges what it saw.
 */
import { check, type Check } from './report'

/** Warn this many days before a certificate expires: automatic renewal starts at 30. */
export const EXPIRY_WARNING_DAYS = 14

export type TlsObservation =
  | {
      readonly kind: 'handshake'
      /** The chain verified against the trust anchors and the name matched. */
      readonly trusted: boolean
      /** OpenSSL's or Node's reason when not trusted (`ERR_TLS_CERT_ALTNAME_INVALID`, `CERT_HAS_EXPIRED`, …). */
      readonly reason: string | null
      /** The names the leaf certificate is valid for (its DNS subject alternative names). */
      readonly names: readonly string[]
      readonly validFrom: Date
      readonly validTo: Date
      readonly issuer: string
    }
  | { readonly kind: 'failed'; readonly message: string }

export interface TlsTarget {
  readonly host: string
  readonly port: number
  /** Clients need it; otherwise a failure is only a warning (another source serves them). */
  readonly required: boolean
  /** Why clients connect here, for the messages. */
  readonly role: string
}

const DAY_MS = 24 * 60 * 60 * 1000
const day = (date: Date) => (Number.isNaN(date.getTime()) ? 'an unreadable date' : date.toISOString().slice(0, 10))

/** A certificate's names matched as clients match them: exact, or one leftmost wildcard label. */
export function certificateCovers(names: readonly string[], host: string): boolean {
  const wanted = host.toLowerCase()
  return names.some((name) => {
    const pattern = name.toLowerCase()
    if (!pattern.startsWith('*.')) return pattern === wanted
    const rest = wanted.slice(wanted.indexOf('.') + 1)
    return wanted.includes('.') && rest === pattern.slice(2)
  })
}

function fixFor(target: TlsTarget, reason: string | null, coversName: boolean): string {
  const { host } = target
  if (!coversName || reason === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `serve a certificate whose names include ${host} on the server answering there (Cloudflare: a Custom Domain or a custom hostname for ${host}; NGINX: add ${host} to the certificate, e.g. certbot --expand -d ${host}, and reload)`
  }
  if (reason === 'CERT_HAS_EXPIRED') return `renew the certificate for ${host}`
  if (reason === 'CERT_NOT_YET_VALID') return `check the clock of the server at ${host}, or serve a certificate valid now`
  return `serve the full chain (fullchain.pem) of a certificate for ${host} from a CA clients trust (--ca-file adds a private CA to this check)`
}

export function checkCertificate(target: TlsTarget, observed: TlsObservation, now: Date): Check {
  const id = `tls:${target.host}`
  const expected = `a trusted certificate for ${target.host} (${target.role})`
  const failing = target.required ? 'error' : 'warn'
  if (observed.kind === 'failed') {
    const fix = `make ${target.host} answer https on port ${target.port} with a certificate for it`
    return check(id, failing, expected, `no TLS connection: ${observed.message}`, target.required ? fix : `optional (${target.role}): ${fix}`)
  }
  const covers = certificateCovers(observed.names, target.host)
  const described = `certificate for ${observed.names.join(', ') || 'no DNS name'} by ${observed.issuer}, valid ${day(observed.validFrom)} to ${day(observed.validTo)}`
  if (!observed.trusted || !covers) {
    const reason = observed.reason ?? (covers ? 'not trusted' : 'ERR_TLS_CERT_ALTNAME_INVALID')
    const fix = fixFor(target, reason, covers)
    return check(id, failing, expected, `${reason}: ${described}`, target.required ? fix : `optional (${target.role}): ${fix}`)
  }
  const daysLeft = Math.floor((observed.validTo.getTime() - now.getTime()) / DAY_MS)
  if (daysLeft < EXPIRY_WARNING_DAYS) {
    return check(id, 'warn', expected, `${described}: expires in ${daysLeft} days`, `renew the certificate for ${target.host} (is automatic renewal running?)`)
  }
  return check(id, 'pass', expected, `${described} (${daysLeft} days left)`)
}
