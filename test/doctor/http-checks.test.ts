import { describe, expect, it } from 'vitest'
import type { EmailAddress } from '../../src/core/model'
import { checkDocument, checkRedirect, checkDavRedirect, firstDifference, type Fetched } from '../../src/doctor/http-checks'
import { doctorPlan, type Probe } from '../../src/doctor/plan'
import type { CheckStatus } from '../../src/doctor/report'
import { deriveProfileIds } from '../../src/protocols/apple/ids'
import { renderMobileconfig } from '../../src/protocols/apple/render'
import { renderAutoconfig } from '../../src/protocols/autoconfig/render'
import { renderPoxSettings } from '../../src/protocols/autodiscover/render'
import { aDomainConfig, anAccount, aServer, aUserAccount } from '../support/build'

const encoder = new TextEncoder()
const ALICE: EmailAddress = { localPart: 'alice', domain: 'example.net', address: 'alice@example.net' }
const plan = doctorPlan('example.net', [], ALICE.address)
const probe = (id: string): Probe => {
  const found = plan.probes.find((p) => p.id === id)
  if (!found) throw new Error(`no probe ${id}`)
  return found
}

const answered = (status: number, contentType: string, body: string | Uint8Array, location: string | null = null): Fetched => ({
  kind: 'answered',
  answer: { status, contentType, location, body: typeof body === 'string' ? encoder.encode(body) : body },
})
const XML = 'text/xml; charset=utf-8'

// The service's own documents, from its renderers.
const AUTOCONFIG = renderAutoconfig(anAccount())
const OTHER_AUTOCONFIG = renderAutoconfig(anAccount(aDomainConfig({ servers: [aServer({ type: 'imap', hostname: 'old.example.org', port: 993, socketType: 'SSL' }), aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL' })] })))
const POX = renderPoxSettings(aUserAccount(aDomainConfig(), ALICE), 'outlook-2006a')
const POP_ONLY = renderAutoconfig(anAccount(aDomainConfig({ servers: [aServer({ type: 'pop', hostname: 'pop.example.net', port: 995, socketType: 'SSL' }), aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, socketType: 'SSL' })] })))

function documentCase(id: string, live: Fetched, expected: Fetched) {
  const planned = probe(id)
  if (planned.expect.kind !== 'document') throw new Error(`${id} is no document probe`)
  return checkDocument(planned, planned.expect.answer, { live, expected, liveHost: planned.host, expectedHost: '127.0.0.1:4243' })
}

describe('checkDocument', () => {
  const SAME = answered(200, XML, AUTOCONFIG)
  it.each([
    ['the service’s document', 'https:autoconfig', SAME, SAME, 'pass', null],
    ['another document (a stale cache, an old deployment)', 'https:autoconfig', answered(200, XML, OTHER_AUTOCONFIG), SAME, 'drift', 'a stale cache, another server or an old deployment'],
    ['another server’s 404', 'https:autoconfig', answered(404, 'text/html', '<h1>Not Found</h1>'), SAME, 'drift', 'answers other than'],
    ['an optional source that is not served', 'https:well-known', answered(404, 'text/html', '<h1>Not Found</h1>'), SAME, 'warn', 'optional'],
    ['an optional source with another document', 'https:well-known', answered(200, XML, OTHER_AUTOCONFIG), SAME, 'drift', 'answers other than'],
    ['a redirect over https', 'https:autoconfig', answered(301, 'text/html', '', 'https://elsewhere.example/x'), SAME, 'warn', 'FairEmail and Outlook take only 200'],
    ['a redirect to https over http', 'http:autoconfig', answered(301, 'text/html', '', 'https://autoconfig.example.net/mail/config-v1.1.xml'), SAME, 'pass', null],
    ['the document over http', 'http:autoconfig', SAME, SAME, 'pass', null],
    ['nothing over http', 'http:autoconfig', { kind: 'failed', message: 'ECONNREFUSED', tls: false }, SAME, 'warn', 'optional'],
    ['no connection', 'https:autoconfig', { kind: 'failed', message: 'ECONNREFUSED', tls: false }, SAME, 'error', 'make autoconfig.example.net answer https'],
    ['a refused certificate', 'https:autoconfig', { kind: 'failed', message: 'ERR_TLS_CERT_ALTNAME_INVALID', tls: true }, SAME, 'error', 'see tls:autoconfig.example.net'],
    ['a rewritten content type', 'https:autoconfig', answered(200, 'application/octet-stream', AUTOCONFIG), SAME, 'error', 'serve it as text/xml'],
    ['the service’s own 404', 'https:autoconfig', answered(404, 'text/plain', 'no mail configuration for example.net'), answered(404, 'text/plain', 'no mail configuration for example.net'), 'error', 'the service itself answers 404'],
    ['a service that does not answer', 'https:autoconfig', SAME, { kind: 'failed', message: 'ECONNREFUSED', tls: false }, 'error', 'check --url'],
    ['a document only Thunderbird for Android rejects (POP3 only)', 'https:autoconfig', answered(200, XML, POP_ONLY), answered(200, XML, POP_ONLY), 'warn', 'fix the domain'],
  ] as const)('%s → %s', (_case, id, live, expected, status: CheckStatus, fix) => {
    const result = documentCase(id, live, expected)
    expect(result.status).toBe(status)
    if (fix === null) expect(result.fix).toBeNull()
    else expect(result.fix).toContain(fix)
  })

  it('says where the documents differ, and never prints the address', () => {
    const result = documentCase('https:autoconfig', answered(200, XML, OTHER_AUTOCONFIG), SAME)
    expect(result.found).toContain('another document, line ')
    expect(result.found).toContain('old.example.org')
    expect(result.expected).toBe('GET https://autoconfig.example.net/mail/config-v1.1.xml?emailaddress=<address> → 200 text/xml; charset=utf-8, the document the service serves')
    expect(JSON.stringify(result)).not.toContain('alice')
  })

  it('judges POX answers by the POX rules: an error document is what the service answers, but no settings', () => {
    const pox = (id: string, live: Fetched, expected: Fetched) => checkDocument(probe(id), 'autodiscover-pox', { live, expected, liveHost: 'autodiscover.example.net', expectedHost: '127.0.0.1' })
    expect(pox('https:autodiscover', answered(200, XML, POX), answered(200, XML, POX)).status).toBe('pass')
    const error = '<?xml version="1.0" encoding="UTF-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error Time="1" Id="1"><ErrorCode>500</ErrorCode><Message>no mail configuration for example.net</Message></Error></Response></Autodiscover>'
    const result = pox('https:autodiscover', answered(200, XML, error), answered(200, XML, error))
    expect(result.status).toBe('error')
    expect(result.found).toContain('ErrorCode 500 (no mail configuration for example.net)')
  })

  it('compares v2 answers whatever host each was asked under', () => {
    const v2 = (host: string) => answered(200, 'application/json', JSON.stringify({ Protocol: 'AutodiscoverV1', Url: `https://${host}/autodiscover/autodiscover.xml` }))
    const judge = (live: Fetched) => checkDocument(probe('https:autodiscover-json'), 'autodiscover-v2', { live, expected: v2('127.0.0.1:4243'), liveHost: 'autodiscover.example.net:8443', expectedHost: '127.0.0.1:4243' })
    expect(judge(v2('autodiscover.example.net')).status).toBe('pass')
    expect(judge(v2('autodiscover.example.net:8443')).status).toBe('pass')
    expect(judge(v2('outlook.office365.com')).status).toBe('drift')
  })

  it('compares profiles by their plist', async () => {
    const account = aUserAccount(aDomainConfig(), ALICE)
    if (!account.primary.ok) throw new Error('the test domain lacks a server')
    const ids = await deriveProfileIds(ALICE, account.davServers)
    const profile = renderMobileconfig({ account, servers: account.primary.value, ids, password: null })
    const type = 'application/x-apple-aspen-config'
    const judge = (live: string) => checkDocument(probe('https:mobileconfig'), 'mobileconfig', { live: answered(200, type, live), expected: answered(200, type, profile), liveHost: 'autoconfig.example.net', expectedHost: '127.0.0.1' })
    expect(judge(profile).status).toBe('pass')
    expect(judge(profile.replace('imap.example.net', 'imap.example.org')).status).toBe('drift')
  })
})

describe('checkRedirect', () => {
  const outlook = probe('http:autodiscover')
  it.each([
    ['a 302 to https', answered(302, 'text/plain', '', 'https://autodiscover.example.net/autodiscover/autodiscover.xml'), 'pass'],
    ['a 301 to https', answered(301, 'text/plain', '', 'https://autodiscover.example.net/autodiscover/autodiscover.xml'), 'warn'],
    ['a 302 to http', answered(302, 'text/plain', '', 'http://autodiscover.example.net/autodiscover/autodiscover.xml'), 'warn'],
    ['a 404', answered(404, 'text/plain', 'not found'), 'warn'],
    ['no connection', { kind: 'failed', message: 'ECONNREFUSED', tls: false }, 'warn'],
  ] as const)('%s → %s', (_case, live, status: CheckStatus) => {
    expect(checkRedirect(outlook, live).status).toBe(status)
  })
})

describe('checkDavRedirect (RFC 6764 well-known URIs)', () => {
  const caldav = { ...probe('https:well-known'), id: 'https:well-known-caldav', request: { method: 'GET', path: '/.well-known/caldav', shownPath: '/.well-known/caldav', headers: {} } } satisfies Probe
  const location = 'https://dav.example.net/SOGo/dav/'
  it.each([
    ['the same redirect', answered(301, '', '', 'https://dav.example.net/SOGo/dav/'), 'pass'],
    ['a redirect elsewhere (an old rule)', answered(301, 'text/html', '', 'https://old-dav.example.net/'), 'drift'],
    ['the web site\'s 404', answered(404, 'text/html', 'not found'), 'warn'],
    ['a 302 there', answered(302, '', '', 'https://dav.example.net/SOGo/dav/'), 'pass'],
    ['no connection', { kind: 'failed', message: 'ECONNREFUSED', tls: false }, 'warn'],
  ] as const)('%s → %s', (_case, live, status: CheckStatus) => {
    const result = checkDavRedirect(caldav, location, live)
    expect(result.status).toBe(status)
    expect(result.expected).toBe('GET https://example.net/.well-known/caldav → a redirect to https://dav.example.net/SOGo/dav/')
  })
})

describe('firstDifference', () => {
  it.each([
    ['a\nb\nc', 'a\nB\nc', 'line 2: expected "b", found "B"'],
    ['a\nb', 'a', 'line 2: expected "b", found nothing'],
    ['a', 'a\n\u001b[2J', 'line 2: expected nothing, found "\\x1b[2J"'],
    ['same', 'same', 'no difference'],
  ])('%j vs %j', (expected, found, said) => {
    expect(firstDifference(expected, found)).toBe(said)
  })
})
