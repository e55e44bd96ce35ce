/**
 * One TLS handshake as a client makes it: to the address the name resolves to, with the name as
 * SNI, verified against the trust anchors (Node's, plus --ca-file). The chain is not refused here,
 * so the report can say what was presented and why a client would refuse it.
 */
import { connect, type PeerCertificate } from 'node:tls'
import type { TlsObservation } from '../../doctor/tls-checks'

export interface TlsProbeOptions {
  readonly address: string
  readonly port: number
  readonly servername: string
  /** The trust anchors; undefined: Node's own (with NODE_EXTRA_CA_CERTS). */
  readonly ca: readonly string[] | undefined
  readonly timeoutMs: number
}

/** `DNS:a.example, DNS:b.example, IP Address:…` → the DNS names. */
const dnsNames = (altNames: string | undefined) =>
  (altNames ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))

const nameOf = (entity: PeerCertificate['issuer'] | undefined) => {
  const value = entity?.CN ?? entity?.O ?? 'an unnamed issuer'
  return Array.isArray(value) ? value.join(', ') : String(value)
}

export function probeTls(options: TlsProbeOptions): Promise<TlsObservation> {
  return new Promise((resolve) => {
    const socket = connect({
      host: options.address,
      port: options.port,
      servername: options.servername,
      ...(options.ca === undefined ? {} : { ca: [...options.ca] }),
      rejectUnauthorized: false,
      timeout: options.timeoutMs,
    })
    const done = (observation: TlsObservation) => {
      socket.destroy()
      resolve(observation)
    }
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate()
      if (!certificate || Object.keys(certificate).length === 0) return done({ kind: 'failed', message: 'no certificate presented' })
      const reason = socket.authorizationError
      done({
        kind: 'handshake',
        trusted: socket.authorized,
        reason: reason === null || reason === undefined ? null : reason instanceof Error ? (('code' in reason && String(reason.code)) || reason.message) : String(reason),
        names: dnsNames(certificate.subjectaltname),
        validFrom: new Date(certificate.valid_from),
        validTo: new Date(certificate.valid_to),
        issuer: nameOf(certificate.issuer),
      })
    })
    socket.once('timeout', () => done({ kind: 'failed', message: `no handshake within ${options.timeoutMs} ms` }))
    socket.once('error', (error: Error & { code?: string }) => done({ kind: 'failed', message: `${error.code ?? 'error'}: ${error.message}` }))
  })
}
