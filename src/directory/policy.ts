/**
 * Which directory hosts may be dialled. A directory's host is chosen by whoever writes the admin
 * data; without a policy the service would connect wherever it is told, including its own
 * loopback and the private network around it, and its answers (stage, timing) would tell open
 * ports from closed ones. So loopback, link-local, private and other non-public addresses are
 * refused unless `LDAP_ALLOW_PRIVATE=true` (a directory reached through a tunnel or a private
 * network on purpose). Host names are checked by what they resolve to where the runtime can
 * resolve them (the Node server); a Worker's outbound connections cannot reach private
 * addresses on Cloudflare's network anyway.
 */

/** Resolves a host name to its addresses; absent where the runtime cannot (Workers). */
export type ResolveHost = (host: string) => Promise<readonly string[]>

const V4_PRIVATE: readonly [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // RFC 1918
  [0x64400000, 10], // RFC 6598 shared address space (CGNAT)
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0xac100000, 12], // RFC 1918
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0a80000, 16], // RFC 1918
  [0xc6120000, 15], // benchmarking
  [0xe0000000, 3], // multicast and reserved
]

function v4Number(address: string): number | null {
  const parts = address.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null
  return parts.reduce((n, p) => n * 256 + Number(p), 0)
}

/** True for loopback, link-local, private, shared, multicast and unspecified IPv4/IPv6 addresses. */
export function isNonPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase()
  const v4 = v4Number(ip)
  if (v4 !== null) return V4_PRIVATE.some(([base, bits]) => v4 >>> (32 - bits) === base >>> (32 - bits))
  if (!ip.includes(':')) return false
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  if (mapped?.[1]) return isNonPublicAddress(mapped[1])
  // ::, ::1, fe80::/10 link-local, fc00::/7 unique local, ff00::/8 multicast
  return ip === '::' || ip === '::1' || /^fe[89ab]/.test(ip) || /^f[cd]/.test(ip) || /^ff/.test(ip)
}

const IP_LITERAL = /^(\d{1,3}\.){3}\d{1,3}$|:/

/** Null when `host` may be dialled, else why not (safe to log: it names only the host). */
export async function refusedHost(host: string, resolveHost: ResolveHost | undefined): Promise<string | null> {
  const name = host.toLowerCase().replace(/\.$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return `${host} is a loopback name`
  if (IP_LITERAL.test(name)) return isNonPublicAddress(name) ? `${host} is not a public address` : null
  if (!resolveHost) return null
  let addresses: readonly string[]
  try {
    addresses = await resolveHost(name)
  } catch {
    // Unresolvable: the connect itself will fail and say so.
    return null
  }
  const inside = addresses.find(isNonPublicAddress)
  return inside === undefined ? null : `${host} resolves to ${inside}, which is not a public address`
}
