/**
 * `npm run bench:render`: documents per second of each renderer, in Node, for the sample
 * provider (seed/sample.json: IMAP, POP3, two SMTP, CalDAV, CardDAV, three domains). Pure
 * functions only: no database, no HTTP. `--time <ms>` per renderer (default 1000).
 */
import { parseEmailAddress } from '../src/core/address'
import type { DomainConfig, EmailAddress } from '../src/core/model'
import { deriveProfileIds } from '../src/protocols/apple/ids'
import { toAccount } from '../src/core/account'
import { renderAutoconfig } from '../src/protocols/autoconfig/render'
import { renderMobileSync, renderPoxSettings } from '../src/protocols/autodiscover/render'
import { formatErrorTime, renderAutodiscoverError, serverIdFor } from '../src/protocols/autodiscover/error-document'
import { answerAutodiscoverV2 } from '../src/protocols/autodiscover/v2-render'
import { renderDnsRecords, renderZoneFile } from '../src/dns/records'
import { profileQrCode } from '../src/protocols/landing/qr'
import { renderLanding } from '../src/protocols/landing/render'
import { renderMobileconfig } from '../src/protocols/apple/render'
import { renderPacc } from '../src/protocols/pacc/render'

const timeArg = process.argv.indexOf('--time')
const TIME_MS = timeArg > 0 ? Number(process.argv[timeArg + 1]) : 1000
if (!Number.isFinite(TIME_MS) || TIME_MS <= 0) throw new Error('--time needs a positive number of milliseconds')

const server = { username: '%EMAILADDRESS%', authentication: 'plain' } as const
const config: DomainConfig = {
  domain: 'example.com',
  provider: { name: 'Example Inc.', shortName: 'Example', domains: ['example.com', 'example.net', 'example.org'], brand: { logoUrl: null, supportUrl: null, supportEmail: null }, oauth2: null, documentation: null },
  servers: [
    { ...server, type: 'imap', hostname: 'imap.example.com', port: 993, socketType: 'SSL', prio: 10 },
    { ...server, type: 'smtp', hostname: 'smtp.example.com', port: 465, socketType: 'SSL', prio: 10 },
    { ...server, type: 'pop', hostname: 'pop.example.com', port: 995, socketType: 'SSL', prio: 20 },
    { ...server, type: 'smtp', hostname: 'smtp.example.com', port: 587, socketType: 'STARTTLS', prio: 20 },
  ],
  davServers: [
    { type: 'caldav', url: 'https://dav.example.com/caldav/', port: 443, useSsl: true, domainRequired: false, username: '%EMAILADDRESS%' },
    { type: 'carddav', url: 'https://dav.example.com/carddav/', port: 443, useSsl: true, domainRequired: false, username: '%EMAILADDRESS%' },
  ],
  urlServers: [],
  sieveServers: [],
  ldap: null,
  activeSyncUrl: 'https://eas.example.com/Microsoft-Server-ActiveSync',
}

const parsed = parseEmailAddress('alice@example.com')
if (!parsed.ok) throw new Error('the benchmark address must parse')
const who: EmailAddress = parsed.value
const domainAccount = toAccount({ config, who: null, identity: null })
const account = toAccount({ config, who, identity: null, typedName: 'Alice' })
if (!account.primary.ok) throw new Error('the benchmark config must have an incoming and an outgoing server')
const servers = account.primary.value
const ids = await deriveProfileIds(who, config.davServers)
const stamp = { time: formatErrorTime(new Date(0)), id: serverIdFor('autodiscover.example.com') }

// Each renderer returns a string (or an object for v2); its length is summed so the work cannot be
// optimised away, and reported as the document size.
const RENDERERS: Record<string, () => string> = {
  'autoconfig': () => renderAutoconfig(domainAccount),
  'autodiscover POX': () => renderPoxSettings(account, 'outlook-2006a'),
  'autodiscover mobilesync': () => renderMobileSync(account, config.activeSyncUrl ?? ''),
  'autodiscover error': () => renderAutodiscoverError(500, 'The email address cannot be found.', stamp),
  'autodiscover v2 (JSON)': () => JSON.stringify(answerAutodiscoverV2('ActiveSync', 'autodiscover.example.com', config.activeSyncUrl)),
  'mobileconfig (plist)': () => renderMobileconfig({ account, servers, ids, password: null }),
  // With its QR code, which the route draws for the page (landing/qr.ts).
  'landing page (settings)': () => {
    const url = `https://autoconfig.example.com/mobileconfig?emailaddress=${encodeURIComponent(who.address)}&name=Alice`
    return renderLanding({ address: who.address, name: 'Alice', passwordsEnabled: false, outcome: { kind: 'settings', account, servers, profile: { url, signature: 'unsigned', qrCode: profileQrCode(url) } } })
  },
  'PACC (JSON)': () => {
    const body = renderPacc(domainAccount)
    if (!body.ok) throw new Error(body.error.join('; '))
    return body.value
  },
  'DNS zone': () => renderZoneFile(renderDnsRecords(domainAccount, 'autoconfig.provider.example')),
}

function measure(render: () => string): { perSecond: number; bytes: number } {
  let sink = 0
  // Warm up: let the JIT settle before the clock runs.
  for (let i = 0; i < 2000; i++) sink += render().length
  let count = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < TIME_MS) {
    for (let i = 0; i < 100; i++) sink += render().length
    count += 100
    elapsed = performance.now() - started
  }
  if (sink === 0) throw new Error('renderer produced nothing')
  return { perSecond: (count / elapsed) * 1000, bytes: render().length }
}

console.log(`renderer micro-benchmark, ${TIME_MS} ms each, node ${process.version}`)
console.log(`${'renderer'.padEnd(26)} ${'docs/s'.padStart(10)} ${'µs/doc'.padStart(8)} ${'bytes'.padStart(7)}`)
for (const [name, render] of Object.entries(RENDERERS)) {
  const { perSecond, bytes } = measure(render)
  console.log(`${name.padEnd(26)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} ${(1e6 / perSecond).toFixed(1).padStart(8)} ${String(bytes).padStart(7)}`)
}
