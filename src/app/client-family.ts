/**
 * Which kind of client sent a request, for the request log: one word from a fixed list, derived
 * from the User-Agent's product tokens and from request signatures the clients were seen sending
 * (docs/clients.md §1.1, "Telling clients apart"). Only the family is logged, never the User-Agent
 * itself (it can be anything a client puts there, an address included) and never the query.
 */
import { readRawQueryParam } from '../core/address'

export type ClientFamily = 'thunderbird' | 'thunderbird-android' | 'outlook' | 'apple' | 'evolution' | 'delta-chat' | 'kde' | 'unknown'

interface Signature {
  readonly family: ClientFamily
  readonly userAgent?: RegExp
  readonly request?: (url: string) => boolean
}

/** The fixed local part Evolution sends instead of the user's (docs/clients.md §1.1). */
const EVOLUTION_LOCAL_PART = 'EVOLUTIONUSER@'

// Delta Chat percent-encodes `-` in the address (docs/clients.md §1.2); no other client escapes an
// unreserved character there.
const ESCAPED_UNRESERVED = /%2D/i

// Order matters: the request signatures first (they were observed), then product tokens, the
// Android client's before Thunderbird's (its User-Agent may name Thunderbird too).
const SIGNATURES: readonly Signature[] = [
  {
    family: 'evolution',
    userAgent: /\bEvolution\//,
    request: (url) => readRawQueryParam(url, 'emailmd5') !== null || (readRawQueryParam(url, 'emailaddress') ?? '').startsWith(EVOLUTION_LOCAL_PART),
  },
  {
    family: 'delta-chat',
    userAgent: /\b(DeltaChat|deltachat|chatmail)\b/i,
    request: (url) => url.includes('?') && ESCAPED_UNRESERVED.test(url.slice(url.indexOf('?'))),
  },
  { family: 'thunderbird-android', userAgent: /\bK-9\b|\bk9mail\b|Thunderbird.*Android|Android.*Thunderbird|\bokhttp\// },
  { family: 'thunderbird', userAgent: /\bThunderbird\/|\bIcedove\// },
  { family: 'outlook', userAgent: /\bMicrosoft Office\b|\bOutlook\b|\bMicrosoft Outlook\b|\bMSOffice\b/ },
  { family: 'kde', userAgent: /\bKIO\/|\bKonqueror\/|\bakonadi/i },
  { family: 'apple', userAgent: /\b(iPhone|iPad|iPod)\b|\bCFNetwork\/|\baccountsd\/|\bdataaccessd\/|\bMail\/\d.*\bDarwin\//i },
]

export function clientFamily(userAgent: string | null | undefined, url: string): ClientFamily {
  for (const signature of SIGNATURES) {
    if (signature.request?.(url)) return signature.family
  }
  const agent = userAgent ?? ''
  if (agent === '') return 'unknown'
  for (const signature of SIGNATURES) {
    if (signature.userAgent?.test(agent)) return signature.family
  }
  return 'unknown'
}
