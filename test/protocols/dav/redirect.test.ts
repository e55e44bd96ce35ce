import { describe, expect, it } from 'vitest'
import type { DavServer } from '../../../src/core/model'
import { davContextUrl } from '../../../src/protocols/dav/redirect'
import { aDavServer, aDomainConfig, anAccount } from '../../support/build'

const accountWith = (...davServers: DavServer[]) => anAccount(aDomainConfig({ davServers }))

describe('davContextUrl (RFC 6764 §5)', () => {
  it.each<[string, Partial<DavServer>, string | null]>([
    // The stored URL up to the first segment holding a placeholder (automx2's SOGo sample).
    ['SOGo, address in the path', { url: 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/personal/' }, 'https://dav.example.net/SOGo/dav/'],
    ['local part in the path', { url: 'https://dav.example.net/dav/calendars/%EMAILLOCALPART%/' }, 'https://dav.example.net/dav/calendars/'],
    ['no placeholder: the URL as stored', { url: 'https://dav.example.net/caldav/' }, 'https://dav.example.net/caldav/'],
    ['a port that is not the scheme default', { url: 'https://dav.example.net:8443/dav/%EMAILADDRESS%/', port: 8443 }, 'https://dav.example.net:8443/dav/'],
    ['the stored port when the URL leaves it implied', { url: 'https://dav.example.net/dav/', port: 8443 }, 'https://dav.example.net:8443/dav/'],
    ['the default port stays implied', { url: 'https://dav.example.net/dav/', port: 443 }, 'https://dav.example.net/dav/'],
    ['query and credentials dropped', { url: 'https://user:pw@dav.example.net/dav/%EMAILADDRESS%/?x=1#f' }, 'https://dav.example.net/dav/'],
    ['plain http kept as stored', { url: 'http://dav.example.net/dav/', port: 80, useSsl: false }, 'http://dav.example.net/dav/'],
    ['a placeholder in the host: no origin to send anyone to', { url: 'https://%EMAILDOMAIN%/dav/' }, null],
    ['a placeholder as the first segment: the root', { url: 'https://dav.example.net/%EMAILADDRESS%/cal/' }, 'https://dav.example.net/'],
  ])('%s', (_case, server, expected) => {
    expect(davContextUrl(accountWith(aDavServer(server)), 'caldav')).toBe(expected)
  })

  it('takes the first server of the type asked for', () => {
    const account = accountWith(
      aDavServer({ type: 'carddav', url: 'https://card.example.net/card/%EMAILADDRESS%/' }),
      aDavServer({ type: 'caldav', url: 'https://cal1.example.net/cal/' }),
      aDavServer({ type: 'caldav', url: 'https://cal2.example.net/cal/' }),
    )
    expect(davContextUrl(account, 'caldav')).toBe('https://cal1.example.net/cal/')
    expect(davContextUrl(account, 'carddav')).toBe('https://card.example.net/card/')
  })

  it('is null for a domain without a server of the type', () => {
    expect(davContextUrl(accountWith(aDavServer({ type: 'caldav' })), 'carddav')).toBeNull()
    expect(davContextUrl(accountWith(), 'caldav')).toBeNull()
  })
})
