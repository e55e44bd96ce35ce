import { describe, expect, it } from 'vitest'
import type { DomainConfig, EmailAddress, UserIdentity } from '../../../src/core/model'
import { renderLanding, SELF_CONFIGURING_CLIENTS, type LandingOutcome } from '../../../src/protocols/landing/render'
import { aDavServer, aDomainConfig, aServer, aUserAccount } from '../../support/build'

const WHO: EmailAddress = { localPart: 'alice', domain: 'example.net', address: 'alice@example.net' }

function settings(config: DomainConfig = aDomainConfig(), user: UserIdentity | null = null, who = WHO): LandingOutcome {
  const account = aUserAccount(config, who, user)
  if (!account.primary.ok) throw new Error('test config lacks servers')
  return { kind: 'settings', account, servers: account.primary.value }
}

const page = (outcome: LandingOutcome, passwordsEnabled = false, typed = { address: 'alice@example.net', name: '' }) =>
  renderLanding({ ...typed, passwordsEnabled, outcome })

/** Text of the table row headed `label` within the section whose caption is `caption`. */
function row(document: string, caption: string, label: string): string {
  const table = document.split('<table>').find((t) => t.includes(`<caption>${caption}</caption>`)) ?? ''
  const match = new RegExp(`<th scope="row">${label}</th><td>(.*?)</td>`).exec(table)
  return (match?.[1] ?? '').replace(/<[^>]+>/g, '')
}

describe('renderLanding', () => {
  it('shows only the address form at first, with labelled fields and no script or external asset', () => {
    const document = page({ kind: 'form' }, false, { address: '', name: '' })
    expect(document).toContain('<label for="emailaddress">Email address</label>')
    expect(document).toContain('<input id="emailaddress" name="emailaddress" type="email"')
    expect(document).toContain('<label for="name">')
    expect(document).not.toContain('Settings for other mail apps')
    expect(document).not.toMatch(/<script|<link|<img|src=|https?:\/\//)
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
    const document = page({ kind: 'error', message: 'There are no settings for <x>.' }, false, { address: '"><script>x</script>', name: "O'Neil & <b>" })
    expect(document).toContain('<p class="error" role="alert">There are no settings for &lt;x&gt;.</p>')
    expect(document).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"')
    expect(document).toContain('value="O&#39;Neil &amp; &lt;b&gt;"')
    expect(document).not.toContain('<script>')
  })
})
