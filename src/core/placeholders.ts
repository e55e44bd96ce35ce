/**
 * Autoconfig's placeholders: `%EMAILADDRESS%`, `%EMAILLOCALPART%`, `%EMAILDOMAIN%`. Autoconfig
 * clients substitute them themselves; Autodiscover, Apple and people reading the landing page do
 * not, so for those the values are expanded here (docs/clients.md §5.12).
 */
import type { EmailAddress } from './model'

const EMAILADDRESS = '%EMAILADDRESS%'
const EMAILLOCALPART = '%EMAILLOCALPART%'
const EMAILDOMAIN = '%EMAILDOMAIN%'

const ANY_PLACEHOLDER = [EMAILADDRESS, EMAILLOCALPART, EMAILDOMAIN].join('|')
const PLACEHOLDER = new RegExp(ANY_PLACEHOLDER, 'g')
const HAS_PLACEHOLDER = new RegExp(ANY_PLACEHOLDER)

function valueOf(name: string, who: EmailAddress): string {
  return name === EMAILADDRESS ? who.address : name === EMAILLOCALPART ? who.localPart : who.domain
}

/** A username (or any text) with every placeholder replaced by the user's value. */
export function expandPlaceholders(template: string, who: EmailAddress): string {
  return template.replace(PLACEHOLDER, (name) => valueOf(name, who))
}

// RFC 3986 §3.3: a path segment may hold unreserved characters, sub-delims, ':' and '@' as they
// are; anything else in a local part ('/', '?', '#', '%', …) is percent-encoded, so an address can
// never change the structure of the URL it is put into.
const NOT_IN_SEGMENT = /[^A-Za-z0-9\-._~!$&'()*+,;=:@]/gu

/** A URL template with every placeholder replaced by the user's value, encoded for a path. */
export function expandPlaceholdersInUrl(template: string, who: EmailAddress): string {
  return template.replace(PLACEHOLDER, (name) => valueOf(name, who).replace(NOT_IN_SEGMENT, (ch) => encodeURIComponent(ch)))
}

/**
 * The part of a DAV URL template that is the same for every user: everything before the first path
 * segment holding a placeholder, ending in '/'. `https://dav.example/SOGo/dav/%EMAILADDRESS%/Calendar/`
 * → `/SOGo/dav/`: the collection root a client starts its discovery from (RFC 6764 §5, §6).
 */
export function contextPath(urlTemplate: string): string {
  // Stored URLs are validated on the way in; one written into the database by hand may not parse.
  const path = URL.canParse(urlTemplate) ? new URL(urlTemplate).pathname : '/'
  const segments = path.split('/')
  const first = segments.findIndex((segment) => HAS_PLACEHOLDER.test(segment))
  if (first < 0) return path
  return `${segments.slice(0, first).join('/')}/`
}
