/**
 * Stable identifiers for Apple configuration profiles (docs/clients.md §3.5): the same
 * address always gets the same PayloadIdentifier and PayloadUUIDs, so downloading the profile again
 * replaces the installed one instead of adding a second account (automx2 uses random uuid4s and
 * does add one). Derived from the lowercased address and each payload's role; no secret involved,
 * because the identifiers only need to be stable and unique, not unguessable.
 */
import type { DavType, EmailAddress } from '../../core/model'

/** The identity of one payload: its reverse-DNS PayloadIdentifier and its PayloadUUID. */
export interface PayloadId {
  readonly identifier: string
  readonly uuid: string
}

export interface ProfileIds {
  /** The top-level Configuration payload. Its identifier decides replace-vs-add (§3.5). */
  readonly profile: PayloadId
  readonly mail: PayloadId
  /** One per DAV server, in the domain's DAV order. */
  readonly dav: readonly PayloadId[]
}

// A fixed UUIDv5 namespace for this service (RFC 9562 §5.5). Never change it: every installed
// profile's payload UUIDs derive from it.
const NAMESPACE = '3f6d3c1e-8b0a-4f5e-9a57-6d1c2e0b7a44'
const encoder = new TextEncoder()

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function uuidBytes(uuid: string): Uint8Array {
  const digits = uuid.replace(/-/g, '')
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(digits.slice(i * 2, i * 2 + 2), 16))
}

/** RFC 9562 §5.5: SHA-1 over namespace ‖ name, then version 5 and the RFC 4122 variant bits. */
export async function uuidV5(name: string, namespace: string = NAMESPACE): Promise<string> {
  const input = new Uint8Array([...uuidBytes(namespace), ...encoder.encode(name)])
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-1', input)).slice(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const h = hex(bytes)
  // Apple's own examples write UUIDs in upper case.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`.toUpperCase()
}

/** `example.net` → `net.example`: the reverse-DNS prefix Apple's identifiers use. */
export function reverseDomain(domain: string): string {
  return domain.split('.').reverse().join('.')
}

/**
 * The roles of the payloads of a profile: `mail`, and `caldav.0`, `carddav.0`, `caldav.1`, … numbered
 * per type in the domain's DAV order (stable, and unique even if two DAV servers share a URL).
 */
export function davRoles(davServers: readonly { readonly type: DavType }[]): string[] {
  const seen: Record<DavType, number> = { caldav: 0, carddav: 0 }
  return davServers.map((d) => `${d.type}.${seen[d.type]++}`)
}

/**
 * Every identifier of the profile for `who`. The profile identifier is
 * `<reversed domain>.mailconf.<first 128 bits of SHA-256(lowercased address)>`: an address can hold
 * characters a reverse-DNS string cannot, so it is hashed; payload identifiers append the role.
 */
export async function deriveProfileIds(who: EmailAddress, davServers: readonly { readonly type: DavType }[]): Promise<ProfileIds> {
  const account = who.address.toLowerCase()
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(account)))
  const base = `${reverseDomain(who.domain)}.mailconf.${hex(digest).slice(0, 32)}`
  const payload = async (role: string): Promise<PayloadId> => ({
    identifier: role === 'profile' ? base : `${base}.${role}`,
    uuid: await uuidV5(`${role}:${account}`),
  })
  const [profile, mail, ...dav] = await Promise.all(['profile', 'mail', ...davRoles(davServers)].map(payload))
  if (!profile || !mail) throw new Error('unreachable: profile and mail ids are always derived')
  return { profile, mail, dav }
}
