/**
 * The world the doctor's tests examine, on loopback: a real DNS server (NSD, support/nsd.ts) serving
 * the zone acme.test, and a TLS front (support/tls-front.ts) with certificates from a test CA in
 * front of a mailconf server. Everything in acme.test resolves to 127.0.0.1, so the doctor follows
 * the records to the front, as a client would.
 *
 * BROKEN_ZONE holds a correct `_imaps` SRV, no `_submissions` SRV, and a `_submission` SRV naming a
 * host the database does not; the front has a certificate for autoconfig.acme.test (and the service
 * host and the bare domain) but none for autodiscover.acme.test, and the bare domain's .well-known
 * Autoconfig URL answers an old document (another IMAP host). The database must hold SEED first. `fix()` publishes FIXED_ZONE, adds the certificate and
 * retires the old document.
 */
import { createHash } from 'node:crypto'
import { get as httpGet } from 'node:http'
import { startNsd, type Nsd } from './nsd'
import { createTestCa, type TestCa } from './test-ca'
import { startTlsFront, type TlsFront } from './tls-front'

export const DOMAIN = 'acme.test'
export const SERVICE_HOST = 'mailconf.acme.test'

/** The domain's data: IMAP on 993, submission on 465 (preferred) and 587, a CalDAV server. */
export const SEED = {
  version: 2,
  provider: 'Acme Mail',
  domains: [DOMAIN],
  servers: [
    { type: 'imap', name: 'imap.acme.test', port: 993, socket_type: 'SSL' },
    { type: 'smtp', name: 'smtp.acme.test', port: 465, socket_type: 'SSL', prio: 10 },
    { type: 'smtp', name: 'smtp.acme.test', port: 587, socket_type: 'STARTTLS', prio: 20 },
    { type: 'caldav', url: 'https://dav.acme.test/dav/%EMAILADDRESS%/' },
  ],
}

const COMMON = [
  '@ IN MX 10 mx.acme.test.',
  '@ IN A 127.0.0.1',
  'mailconf IN A 127.0.0.1',
  'autoconfig IN CNAME mailconf.acme.test.',
  'autodiscover IN CNAME mailconf.acme.test.',
  '_autodiscover._tcp IN SRV 0 0 443 mailconf.acme.test.',
  '_imaps._tcp IN SRV 0 1 993 imap.acme.test.',
  '_imap._tcp IN SRV 0 0 0 .',
  '_pop3s._tcp IN SRV 0 0 0 .',
  '_pop3._tcp IN SRV 0 0 0 .',
  '_caldavs._tcp IN SRV 0 1 443 dav.acme.test.',
  '_caldavs._tcp IN TXT "path=/dav/"',
]

export const BROKEN_ZONE = [...COMMON, '_submission._tcp IN SRV 10 1 587 relay.elsewhere.test.']
export const FIXED_ZONE = [...COMMON, '_submissions._tcp IN SRV 0 1 465 smtp.acme.test.', '_submission._tcp IN SRV 10 1 587 smtp.acme.test.', 'ua-auto-config IN CNAME mailconf.acme.test.']

/**
 * The PACC TXT record (docs/clients.md §4.7) for the document the service serves now: the SHA-256
 * of its bytes, taken here with node:crypto, independently of the service's own digest.
 */
async function paccTxtLine(backend: string): Promise<string> {
  // node:http, not fetch: the Host header has to name the PACC host, as it does behind the front.
  const body = await new Promise<Buffer>((resolve, reject) => {
    const request = httpGet(new URL('/.well-known/user-agent-configuration.json', backend), { headers: { Host: `ua-auto-config.${DOMAIN}`, 'X-Forwarded-Host': `ua-auto-config.${DOMAIN}` } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`PACC document: ${response.statusCode} ${Buffer.concat(chunks).toString()}`))))
    })
    request.on('error', reject)
  })
  return `_ua-auto-config IN TXT "v=UAAC1; a=sha256; d=${createHash('sha256').update(body).digest('base64')}"`
}

/** The service's Autoconfig document as an old deployment served it: the IMAP host was another. */
async function oldDocument(backend: string): Promise<string> {
  const response = await fetch(new URL(`/mail/config-v1.1.xml?emailaddress=anyone%40${DOMAIN}`, backend))
  const current = await response.text()
  if (!current.includes('imap.acme.test')) throw new Error(`unexpected document: ${current}`)
  return current.replaceAll('imap.acme.test', 'mail.old-host.test')
}

export interface DoctorWorld {
  readonly ca: TestCa
  readonly nsd: Nsd
  readonly front: TlsFront
  /** Publishes FIXED_ZONE and the PACC digest, serves a certificate for autodiscover.acme.test, retires the old document. */
  fix(): Promise<void>
  stop(): Promise<void>
}

/** `backend`: the mailconf server's http URL (running with PROXY_COUNT=1). */
export async function startDoctorWorld(backend: string): Promise<DoctorWorld> {
  const ca = createTestCa()
  const stops: (() => Promise<void>)[] = [async () => ca.dispose()]
  const stop = async () => {
    for (const step of stops.reverse()) await step()
  }
  try {
    const nsd = await startNsd(DOMAIN, BROKEN_ZONE)
    stops.push(() => nsd.stop())
    const front = await startTlsFront(backend, ca.issueServer('front', [SERVICE_HOST, `autoconfig.${DOMAIN}`, DOMAIN]))
    stops.push(() => front.close())
    const old = await oldDocument(backend)
    front.stale = (host, path) => (host === DOMAIN && path.startsWith('/.well-known/autoconfig/') ? { status: 200, contentType: 'text/xml; charset=utf-8', body: old } : null)
    return {
      ca,
      nsd,
      front,
      async fix() {
        await nsd.publish([...FIXED_ZONE, await paccTxtLine(backend)])
        front.addCertificate([`autodiscover.${DOMAIN}`], ca.issueServer('autodiscover', [`autodiscover.${DOMAIN}`]))
        front.stale = null
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
