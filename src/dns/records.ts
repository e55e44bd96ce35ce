/**
 * The DNS records an operator publishes for one mail domain, derived from its servers.
 * Specs: RFC 6186 (SRV for IMAP/POP3/submission), RFC 8314 §5.1 (`_submissions`, implicit TLS
 * preferred), RFC 2782 (priority/weight, `.` = service not offered), RFC 6764 (CalDAV/CardDAV SRV and
 * TXT path), draft-ietf-mailmaint-pacc-03 (the `_ua-auto-config` TXT digest); which clients read
 * what is docs/clients.md §4.1–§4.7.
 */
import type { AccountDavServer, AccountServer, ResolvedAccount } from '../core/account'

export interface SrvRecord {
  readonly type: 'SRV'
  readonly name: string
  readonly ttl: number
  readonly priority: number
  readonly weight: number
  readonly port: number
  readonly target: string
}
export interface CnameRecord {
  readonly type: 'CNAME'
  readonly name: string
  readonly ttl: number
  readonly target: string
}
export interface TxtRecord {
  readonly type: 'TXT'
  readonly name: string
  readonly ttl: number
  readonly text: string
}
export type DnsRecord = SrvRecord | CnameRecord | TxtRecord

const DNS_TTL = 3600

type MailLabel = '_imaps' | '_imap' | '_pop3s' | '_pop3' | '_submissions' | '_submission'

// Implicit-TLS labels first (RFC 8314 prefers them); `_submission` covers STARTTLS on 587.
const MAIL_LABELS: readonly MailLabel[] = ['_imaps', '_imap', '_pop3s', '_pop3', '_submissions', '_submission']

function mailLabel(server: AccountServer): MailLabel {
  const implicitTls = server.socketType === 'SSL'
  switch (server.type) {
    case 'imap':
      return implicitTls ? '_imaps' : '_imap'
    case 'pop':
      return implicitTls ? '_pop3s' : '_pop3'
    case 'smtp':
      return implicitTls ? '_submissions' : '_submission'
  }
}

const fqdn = (name: string) => `${name.replace(/\.$/, '')}.`

function davRecords(dav: AccountDavServer, domain: string): DnsRecord[] {
  const url = new URL(dav.urlTemplate)
  // RFC 6764 §3: `_caldavs`/`_carddavs` for TLS, `_caldav`/`_carddav` without; the TXT `path`
  // names the context path (the part every user shares) so the client need not probe /.well-known.
  const label = `_${dav.type}${dav.useSsl ? 's' : ''}._tcp.${fqdn(domain)}`
  return [
    { type: 'SRV', name: label, ttl: DNS_TTL, priority: 0, weight: 1, port: dav.port, target: fqdn(url.hostname) },
    { type: 'TXT', name: label, ttl: DNS_TTL, text: `path=${dav.contextPath}` },
  ]
}

/**
 * Every mail SRV label is published: servers get priority 0, 10, 20 … in the order clients should
 * try them (the lookup's order: priority, IMAP before POP3), incoming (IMAP+POP3) and outgoing
 * counted separately, since RFC 6186 §3.4 lets clients compare priorities across the IMAP and POP3
 * labels. A label with no server gets the single `0 0 0 .` record (RFC 2782: not offered).
 * Plain-text servers are left out where the protocol has an encrypted one, as in the documents.
 * `serviceHost` is the host name of this service, target of the Autoconfig/Autodiscover names.
 * `paccTxt` is the `_ua-auto-config` TXT text for the PACC document this service serves for the
 * domain (protocols/pacc/render.ts), or null when PACC cannot express the domain: then neither PACC
 * record is listed, as a client finding the name would trust no document.
 */
export function renderDnsRecords(account: ResolvedAccount, serviceHost: string, paccTxt: string | null = null): DnsRecord[] {
  const { domain, servers } = account
  const ranked = [
    ...servers.filter((s) => s.type !== 'smtp').map((s, i) => ({ server: s, priority: i * 10 })),
    ...servers.filter((s) => s.type === 'smtp').map((s, i) => ({ server: s, priority: i * 10 })),
  ]
  const records: DnsRecord[] = []
  for (const label of MAIL_LABELS) {
    const name = `${label}._tcp.${fqdn(domain)}`
    const offered = ranked.filter(({ server }) => mailLabel(server) === label)
    if (offered.length === 0) {
      records.push({ type: 'SRV', name, ttl: DNS_TTL, priority: 0, weight: 0, port: 0, target: '.' })
      continue
    }
    for (const { server, priority } of offered) {
      records.push({ type: 'SRV', name, ttl: DNS_TTL, priority, weight: 1, port: server.port, target: fqdn(server.hostname) })
    }
  }
  const service = fqdn(serviceHost)
  // docs/clients.md §4.3: Outlook and Thunderbird ignore the SRV port and build an https URL.
  records.push({ type: 'SRV', name: `_autodiscover._tcp.${fqdn(domain)}`, ttl: DNS_TTL, priority: 0, weight: 0, port: 443, target: service })
  records.push({ type: 'CNAME', name: `autoconfig.${fqdn(domain)}`, ttl: DNS_TTL, target: service })
  records.push({ type: 'CNAME', name: `autodiscover.${fqdn(domain)}`, ttl: DNS_TTL, target: service })
  for (const dav of account.davServers) records.push(...davRecords(dav, domain))
  if (paccTxt !== null) {
    // §4.7: the document is fetched from ua-auto-config.<domain> and trusted when its SHA-256 is here.
    records.push({ type: 'CNAME', name: `ua-auto-config.${fqdn(domain)}`, ttl: DNS_TTL, target: service })
    records.push({ type: 'TXT', name: `_ua-auto-config.${fqdn(domain)}`, ttl: DNS_TTL, text: paccTxt })
  }
  return records
}

const quoteTxt = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`

/** Zone-file (RFC 1035 master file) lines, one record per line. */
export function renderZoneFile(records: readonly DnsRecord[]): string {
  const lines = records.map((r) => {
    const head = `${r.name} ${r.ttl} IN ${r.type}`
    switch (r.type) {
      case 'SRV':
        return `${head} ${r.priority} ${r.weight} ${r.port} ${r.target}`
      case 'CNAME':
        return `${head} ${r.target}`
      case 'TXT':
        return `${head} ${quoteTxt(r.text)}`
    }
  })
  return `${lines.join('\n')}\n`
}
