import { describe, expect, it } from 'vitest'
import { parseEmailAddress } from '../../src/core/address'
import { contextPath, expandPlaceholders, expandPlaceholdersInUrl } from '../../src/core/placeholders'

const who = (() => {
  const parsed = parseEmailAddress('Jane.Doe+news@Example.NET')
  if (!parsed.ok) throw new Error('fixture')
  return parsed.value
})()

describe('expandPlaceholders', () => {
  // docs/clients.md §1.4: local part as typed, domain lowercased.
  it.each([
    ['%EMAILADDRESS%', 'Jane.Doe+news@example.net'],
    ['%EMAILLOCALPART%', 'Jane.Doe+news'],
    ['%EMAILDOMAIN%', 'example.net'],
    ['%EMAILLOCALPART%@corp.%EMAILDOMAIN%', 'Jane.Doe+news@corp.example.net'],
    ['fixed-user', 'fixed-user'],
    ['%UNKNOWN%', '%UNKNOWN%'],
  ])('expands %s', (template, expected) => {
    expect(expandPlaceholders(template, who)).toBe(expected)
  })

  it('does not re-expand placeholders that appear in the address itself', () => {
    const tricky = parseEmailAddress('%EMAILDOMAIN%@example.net')
    if (!tricky.ok) throw new Error('fixture')
    expect(expandPlaceholders('%EMAILADDRESS%', tricky.value)).toBe('%EMAILDOMAIN%@example.net')
  })
})

const address = (text: string) => {
  const parsed = parseEmailAddress(text)
  if (!parsed.ok) throw new Error(text)
  return parsed.value
}

// docs/clients.md §3.4, §2.3, §5.12: Apple and Outlook use DAV URLs literally, so they are expanded.
describe('expandPlaceholdersInUrl', () => {
  it.each([
    ['automx2 sample (SOGo)', 'https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/personal/', 'Jane.Doe+news@Example.NET', 'https://dav.example.net/SOGo/dav/Jane.Doe+news@example.net/Calendar/personal/'],
    ['local part and domain', 'https://dav.example.net/%EMAILDOMAIN%/%EMAILLOCALPART%/', 'jane@example.net', 'https://dav.example.net/example.net/jane/'],
    ['no placeholder', 'https://dav.example.net/caldav/', 'jane@example.net', 'https://dav.example.net/caldav/'],
    // RFC 3986 §3.3: what a path segment cannot hold is percent-encoded, so an address cannot add
    // segments, a query or a fragment to the URL.
    ['a slash, a question mark and a hash', 'https://dav.example.net/u/%EMAILLOCALPART%/', 'a/b?c#d@example.net', 'https://dav.example.net/u/a%2Fb%3Fc%23d/'],
    ['a percent sign', 'https://dav.example.net/u/%EMAILLOCALPART%/', '100%@example.net', 'https://dav.example.net/u/100%25/'],
    ['sub-delims stay', 'https://dav.example.net/u/%EMAILADDRESS%/', "o'neil!&x=y@example.net", "https://dav.example.net/u/o'neil!&x=y@example.net/"],
  ])('%s', (_case, template, typed, expected) => {
    expect(expandPlaceholdersInUrl(template, address(typed))).toBe(expected)
  })
})

// RFC 6764 §5, §6: the collection root every user shares, for the TXT path record.
describe('contextPath', () => {
  it.each([
    ['https://dav.example.net/SOGo/dav/%EMAILADDRESS%/Calendar/personal/', '/SOGo/dav/'],
    ['https://dav.example.net/caldav/', '/caldav/'],
    ['https://dav.example.net/dav/users/%EMAILLOCALPART%', '/dav/users/'],
    ['https://dav.example.net/%EMAILADDRESS%/', '/'],
    ['https://dav.example.net', '/'],
    // A row written into the database by hand may not parse; the account must still resolve.
    ['not a url', '/'],
  ])('%s → %s', (template, expected) => {
    expect(contextPath(template)).toBe(expected)
  })
})
