import { describe, expect, it } from 'vitest'
import type { DomainConfig, EmailAddress, Provider, ProviderBrand, UserIdentity } from '../../../src/core/model'
import {
  describeProblem,
  logoOrigin,
  renderLanding,
  SELF_CONFIGURING_CLIENTS,
  type LandingOutcome,
  type LandingProblem,
  type ProfileSignature,
} from '../../../src/protocols/landing/render'
import { profileQrCode } from '../../../src/protocols/landing/qr'
import { aDavServer, aDomainConfig, aServer, aUserAccount, NO_BRAND } from '../../support/build'
import { decodePageQr, qrSvgOf } from './qr'

const WHO: EmailAddress = { localPart: 'alice', domain: 'example.net', address: 'alice@example.net' }
const PROFILE_URL = 'https://autoconfig.example.net/mobileconfig?emailaddress=alice%40example.net'

const aProvider = (brand: Partial<ProviderBrand> = {}, name = 'Example Mail'): Provider => ({
  name,
  shortName: 'Example',
  domains: ['example.net'],
  brand: { ...NO_BRAND, ...brand },
  oauth2: null,
  documentation: null,
})

function settings(config: DomainConfig = aDomainConfig(), user: UserIdentity | null = null, signature: ProfileSignature = 'unsigned', url = PROFILE_URL): LandingOutcome {
  const account = aUserAccount(config, WHO, user)
  if (!account.primary.ok) throw new Error('test config lacks servers')
  return { kind: 'settings', account, servers: account.primary.value, profile: { url, signature, qrCode: profileQrCode(url) } }
}

const branded = (brand: Partial<ProviderBrand>, name?: string, signature?: ProfileSignature) => settings(aDomainConfig({ provider: aProvider(brand, name) }), null, signature)

const page = (outcome: LandingOutcome, passwordsEnabled = false, typed = { address: 'alice@example.net', name: '' }) =>
  renderLanding({ ...typed, passwordsEnabled, outcome })

/** Text of the table row headed `label` within the section whose caption is `caption`. */
function row(document: string, caption: string, label: string): string {
  const table = document.split('<table>').find((t) => t.includes(`<caption>${caption}</caption>`)) ?? ''
  const match = new RegExp(`<th scope="row">${label}</th><td>(.*?)</td>`).exec(table)
  return (match?.[1] ?? '').replace(/<[^>]+>/g, '')
}

const titleOf = (document: string) => /<title>(.*?)<\/title>/.exec(document)?.[1]
const h1Of = (document: string) => /<h1>(.*?)<\/h1>/.exec(document)?.[1]
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }
/** The body as a person reads it: tags dropped, entities decoded, whitespace collapsed (sentences span lines). */
const words = (document: string) =>
  document
    .slice(document.indexOf('<body>'))
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')

describe('renderLanding', () => {
  it('shows only the address form at first, with labelled fields and no script or external asset', () => {
    const document = page({ kind: 'form' }, false, { address: '', name: '' })
    expect(document).toContain('<label for="emailaddress">Email address</label>')
    expect(document).toContain('<input id="emailaddress" name="emailaddress" type="email"')
    expect(document).toContain('<label for="name">')
    expect(document).not.toContain('Settings for other mail apps')
    expect(document).not.toMatch(/<script|<link|<img|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    expect(titleOf(document)).toBe('Set up your email')
    for (const client of SELF_CONFIGURING_CLIENTS) expect(document).toContain(client)
  })

  // §3.3 selection: the page shows the same pair the profile installs, usernames expanded.
  it('shows the manual settings the profile would install', () => {
    const config = aDomainConfig({
      servers: [
        aServer({ type: 'pop', hostname: 'pop.example.net', port: 995, prio: 1 }),
        aServer({ hostname: 'imap.example.net', port: 143, socketType: 'STARTTLS', username: '%EMAILLOCALPART%' }),
        aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 587, socketType: 'STARTTLS', authentication: 'secure' }),
      ],
    })
    const document = page(settings(config))
    expect(row(document, 'Incoming mail', 'Protocol')).toBe('IMAP')
    expect(row(document, 'Incoming mail', 'Server')).toBe('imap.example.net')
    expect(row(document, 'Incoming mail', 'Port')).toBe('143')
    expect(row(document, 'Incoming mail', 'Security')).toBe('STARTTLS')
    expect(row(document, 'Incoming mail', 'Username')).toBe('alice')
    expect(row(document, 'Outgoing mail', 'Server')).toBe('smtp.example.net')
    expect(row(document, 'Outgoing mail', 'Port')).toBe('587')
    expect(row(document, 'Outgoing mail', 'Username')).toBe('alice@example.net')
    expect(row(document, 'Outgoing mail', 'Authentication')).toBe('Encrypted password (CRAM-MD5)')
  })

  it.each([
    ['SSL', 'SSL/TLS'],
    ['STARTTLS', 'STARTTLS'],
    ['plain', 'None (unencrypted)'],
  ] as const)('names socket type %s as %s', (socketType, label) => {
    const document = page(settings(aDomainConfig({ servers: [aServer({ socketType }), aServer({ type: 'smtp', hostname: 'smtp.example.net', socketType })] })))
    expect(row(document, 'Incoming mail', 'Security')).toBe(label)
  })

  it('uses the directory login name and lists DAV servers', () => {
    const document = page(settings(aDomainConfig({ davServers: [aDavServer(), aDavServer({ type: 'carddav', url: 'https://dav.example.net/card/' })] }), { loginName: 'adoe', displayName: null }))
    expect(row(document, 'Incoming mail', 'Username')).toBe('adoe')
    expect(row(document, 'Calendars and contacts', 'Calendars \\(CalDAV\\)')).toContain('https://dav.example.net/caldav/')
    expect(row(document, 'Calendars and contacts', 'Contacts \\(CardDAV\\)')).toContain('Username: adoe')
  })

  it('offers the profile as a POST form carrying the address and name', () => {
    const document = page(settings(), false, { address: 'alice@example.net', name: 'Alice' })
    expect(document).toContain('<form method="post" action="/mobileconfig">')
    expect(document).toContain('<input type="hidden" name="emailaddress" value="alice@example.net">')
    expect(document).toContain('<input type="hidden" name="name" value="Alice">')
  })

  // Issue #4: the password field appears only when passwords are enabled, with a warning.
  it.each([
    [false, false],
    [true, true],
  ])('password field when enabled=%s: %s', (enabled, shown) => {
    const document = page(settings(), enabled)
    expect(document.includes('type="password"')).toBe(shown)
    expect(document.includes('plain text')).toBe(shown)
    // Never in the GET form, whose values end up in the URL.
    const getForm = document.slice(document.indexOf('<form method="get"'), document.indexOf('</form>'))
    expect(getForm).not.toContain('password')
  })

  it('shows an error as an alert and refills what was typed, escaped', () => {
    const document = page({ kind: 'error', problem: { kind: 'unknown-domain', domain: '<x>.example' } }, false, { address: '"><script>x</script>', name: "O'Neil & <b>" })
    expect(document).toContain('<p class="error" role="alert">We don&#39;t host mail for &lt;x&gt;.example — check the address.</p>')
    expect(document).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"')
    expect(document).toContain('value="O&#39;Neil &amp; &lt;b&gt;"')
    expect(document).not.toContain('<script>')
  })
})

describe('describeProblem: every failure in a plain sentence', () => {
  const provider = aProvider({}, 'Example Mail')
  it.each<[string, LandingProblem, string]>([
    ['an unknown domain', { kind: 'unknown-domain', domain: 'example.org' }, "We don't host mail for example.org — check the address."],
    ['an IDN as typed', { kind: 'unknown-domain', domain: 'bücher.example' }, "We don't host mail for bücher.example — check the address."],
    ['a malformed address', { kind: 'address', error: 'malformed' }, "That doesn't look like an email address. Check it and try again: it should look like name@example.com."],
    ['an invalid domain', { kind: 'address', error: 'invalid-domain' }, "The part after the @ isn't a valid domain name. Check the address and try again."],
    ['no address', { kind: 'address', error: 'missing' }, 'Enter your email address to see its settings.'],
    ['a bad name', { kind: 'name' }, 'Your name is too long or contains characters that cannot be used. Shorten it or leave it empty.'],
    ['an unreadable request', { kind: 'unreadable' }, "We couldn't read that request. Check the address and try again."],
    [
      'no outgoing server',
      { kind: 'missing-server', domain: 'example.net', missing: 'outgoing', provider },
      "Example Mail hasn't finished setting up mail for example.net: there is no outgoing (SMTP) server yet. Please contact Example Mail.",
    ],
    [
      'no incoming server',
      { kind: 'missing-server', domain: 'example.net', missing: 'incoming', provider },
      "Example Mail hasn't finished setting up mail for example.net: there is no incoming (IMAP or POP3) server yet. Please contact Example Mail.",
    ],
    ['the database down', { kind: 'unavailable', dependency: 'database' }, "We can't load the settings right now. Please try again in a minute."],
    ['the directory down', { kind: 'unavailable', dependency: 'directory' }, "We can't look up your account right now. Please try again in a minute."],
  ])('%s', (_case, problem, sentence) => {
    expect(describeProblem(problem)).toBe(sentence)
    // No parser or protocol vocabulary reaches people.
    expect(sentence).not.toMatch(/emailaddress|local-part|malformed|configured|A-label|ErrorCode|\b[45]\d\d\b/)
  })

  it('names the provider and offers its help when a domain lacks a server', () => {
    const document = page({ kind: 'error', problem: { kind: 'missing-server', domain: 'example.net', missing: 'outgoing', provider: aProvider({ supportEmail: 'help@example.net' }) } })
    expect(titleOf(document)).toBe('Set up your email with Example Mail')
    expect(document).toContain('<a href="mailto:help@example.net">help@example.net</a>')
  })
})

describe('the provider on the page', () => {
  it.each<[string, Partial<ProviderBrand>, { logo: string | null; help: readonly string[] }]>([
    ['no brand fields', {}, { logo: null, help: [] }],
    ['a logo', { logoUrl: 'https://cdn.example.net/brand/logo.svg' }, { logo: 'https://cdn.example.net/brand/logo.svg', help: [] }],
    ['a support address', { supportEmail: 'help@example.net' }, { logo: null, help: ['Example Mail can help: write to <a href="mailto:help@example.net">help@example.net</a>.'] }],
    ['a support URL', { supportUrl: 'https://help.example.net/mail' }, { logo: null, help: ['Example Mail can help: see <a href="https://help.example.net/mail">the Example Mail help pages</a>.'] }],
    [
      'everything',
      { logoUrl: 'https://cdn.example.net/logo.png', supportEmail: 'help@example.net', supportUrl: 'https://help.example.net/' },
      { logo: 'https://cdn.example.net/logo.png', help: ['write to <a href="mailto:help@example.net">help@example.net</a>, or see <a href="https://help.example.net/">the Example Mail help pages</a>.'] },
    ],
    // Rows written by hand can hold anything; only what the admin API would accept is shown.
    ['a plain-http logo', { logoUrl: 'http://cdn.example.net/logo.png' }, { logo: null, help: [] }],
    ['a logo on an address literal', { logoUrl: 'https://192.0.2.1/logo.png' }, { logo: null, help: [] }],
    ['a logo URL with credentials', { logoUrl: 'https://user:secret@cdn.example.net/logo.png' }, { logo: null, help: [] }],
    ['a script URL', { logoUrl: 'javascript:alert(1)', supportUrl: 'javascript:alert(1)' }, { logo: null, help: [] }],
    ['a support address with header fields', { supportEmail: 'help@example.net?cc=all@example.net' }, { logo: null, help: [] }],
  ])('settings page with %s', (_case, brand, expected) => {
    const document = page(branded(brand))
    expect(titleOf(document)).toBe('Set up your email with Example Mail')
    expect(h1Of(document)).toBe('Set up your email with Example Mail')
    const images = [...document.matchAll(/<img class="logo" src="([^"]*)" alt="([^"]*)">/g)]
    expect(images.map((m) => m[1])).toEqual(expected.logo ? [expected.logo] : [])
    // The logo's text alternative is the provider's name.
    if (expected.logo) expect(images[0]?.[2]).toBe('Example Mail')
    expect(document).not.toContain('javascript:')
    expect(document.includes('<h2 id="help">Need help?</h2>')).toBe(expected.help.length > 0)
    for (const fragment of expected.help) expect(document).toContain(fragment)
  })

  it('escapes the name in the title, the heading, the alt text and the help', () => {
    const document = page(branded({ logoUrl: 'https://cdn.example.net/logo.png', supportUrl: 'https://help.example.net/' }, 'Bob & <Alice> "Mail"'))
    expect(titleOf(document)).toBe('Set up your email with Bob &amp; &lt;Alice&gt; &quot;Mail&quot;')
    expect(h1Of(document)).toBe('Set up your email with Bob &amp; &lt;Alice&gt; &quot;Mail&quot;')
    expect(document).toContain('alt="Bob &amp; &lt;Alice&gt; &quot;Mail&quot;"')
    expect(document).not.toContain('<Alice>')
  })

  it.each<[string, Provider | null, string | null]>([
    ['no provider', null, null],
    ['no logo', aProvider(), null],
    ['a logo', aProvider({ logoUrl: 'https://cdn.example.net/a/b.svg?v=2' }), 'https://cdn.example.net'],
    ['a logo on a port', aProvider({ logoUrl: 'https://cdn.example.net:8443/logo.svg' }), 'https://cdn.example.net:8443'],
    ['an IDN logo host', aProvider({ logoUrl: 'https://bücher.example/logo.svg' }), 'https://xn--bcher-kva.example'],
    ['a plain-http logo', aProvider({ logoUrl: 'http://cdn.example.net/logo.svg' }), null],
    ['an IPv4 logo host', aProvider({ logoUrl: 'https://192.0.2.44/logo.svg' }), null],
    ['an IPv6 logo host', aProvider({ logoUrl: 'https://[2001:db8::1]/logo.svg' }), null],
    ['a host with CSP syntax', aProvider({ logoUrl: 'https://a;script-src.example/x' }), null],
  ])('logoOrigin with %s', (_case, provider, origin) => {
    expect(logoOrigin(provider)).toBe(origin)
  })
})

describe('the Apple profile steps', () => {
  it('says where to open, find and install the profile', () => {
    const text = words(page(settings()))
    expect(text).toContain('open this page in Safari (other browsers cannot install profiles)')
    expect(text).toContain('tap Profile Downloaded near the top')
    expect(text).toContain('General → VPN & Device Management')
    expect(text).toContain('It is called “Mail settings for alice@example.net”')
  })

  it.each<[ProfileSignature, string, string]>([
    ['signed', 'The profile is signed, so iOS shows it as Verified.', 'Unverified'],
    ['unsigned', 'iOS shows the profile as Unverified because it is not signed.', 'Verified.'],
  ])('tells what iOS shows for a %s profile', (signature, said, notSaid) => {
    const text = words(page(settings(aDomainConfig(), null, signature)))
    expect(text).toContain(said)
    expect(text).not.toContain(notSaid)
  })

  it.each([
    [false, 'iOS asks for your email password during the installation: have it ready.'],
    [true, 'Unless you enter your password below, iOS asks for your email password during the installation.'],
  ])('says when iOS asks for the password (passwords enabled: %s)', (enabled, said) => {
    expect(words(page(settings(), enabled))).toContain(said)
  })

  it('offers no download when the profile cannot be signed as configured', () => {
    const document = page(settings(aDomainConfig(), null, 'unavailable'))
    expect(words(document)).toContain("The profile for iPhone, iPad and Mac can't be downloaded at the moment.")
    expect(document).not.toContain('action="/mobileconfig"')
    expect(qrSvgOf(document)).toBeNull()
    // The manual settings stay.
    expect(row(document, 'Incoming mail', 'Server')).toBe('imap.example.net')
  })
})

describe('the QR code of the profile link', () => {
  it.each([
    ['a short link', PROFILE_URL],
    ['a plus and a name', 'https://autoconfig.example.net/mobileconfig?emailaddress=jane%2Bnews%40example.net&name=Jane%20O%27Neil%20%26%20%3Cb%3E'],
    ['a long link', `https://autoconfig.example.net/mobileconfig?emailaddress=${'x'.repeat(64)}%40${'sub.'.repeat(40)}example.net&name=${'N'.repeat(100)}`],
  ])('encodes %s, and shows it as a link beside the code', (_case, url) => {
    const document = page(settings(aDomainConfig(), null, 'unsigned', url))
    expect(decodePageQr(document)).toBe(url)
    const escaped = url.replaceAll('&', '&amp;').replaceAll("'", '&#39;')
    expect(document).toContain(`<a href="${escaped}">${escaped}</a>`)
    expect(document).toMatch(/<div class="qr-code" role="img" aria-label="QR code of the profile link"><svg /)
  })

  it('is drawn inline, for wide screens only, with no script and no image request', () => {
    const document = page(settings())
    expect(document).toContain('<figure class="qr">')
    expect(document).toMatch(/\.qr\{display:none;/)
    expect(document).toMatch(/@media \(min-width:48rem\)\{\.qr\{display:flex\}\}/)
    expect(document).not.toMatch(/<script|<img|data:image/)
  })

  it('is only on the settings page', () => {
    expect(qrSvgOf(page({ kind: 'form' }))).toBeNull()
    expect(qrSvgOf(page({ kind: 'error', problem: { kind: 'unknown-domain', domain: 'example.org' } }))).toBeNull()
  })
})
