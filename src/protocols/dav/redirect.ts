/**
 * RFC 6764 §5: `/.well-known/caldav` and `/.well-known/carddav` on the mail domain redirect to the
 * context path of its CalDAV/CardDAV server; the client then finds the user's principal by itself
 * (RFC 6764 §6: current-user-principal). Thunderbird and Apple clients start here when the account
 * has no DAV URL of its own (docs/clients.md §4.6). Pure: chooses the URL, the route answers.
 */
import type { AccountDavServer, ResolvedAccount } from '../../core/account'
import type { DavType } from '../../core/model'

/**
 * The absolute URL of the collection root every user of the domain shares: the stored URL's
 * origin, with the stored port (the URL may leave it implied), and its context path (the path
 * before the first placeholder segment). Null when the domain has no server of the type, or when
 * the stored URL has no origin to redirect to (a placeholder in the host).
 */
export function davContextUrl(account: ResolvedAccount, type: DavType): string | null {
  // The lookup orders DAV servers by preference; the first of the type is the one clients get.
  const dav: AccountDavServer | undefined = account.davServers.find((server) => server.type === type)
  if (!dav || !URL.canParse(dav.urlTemplate)) return null
  const url = new URL(dav.urlTemplate)
  if (url.hostname.includes('%')) return null
  url.port = String(dav.port)
  url.pathname = dav.contextPath
  url.search = ''
  url.hash = ''
  url.username = ''
  url.password = ''
  return url.toString()
}
