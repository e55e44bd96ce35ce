/**
 * The Autodiscover error document (docs/clients.md §2.5; MS-OXDSCLI error codes, the MS-ASCMD /
 * Exchange shape with Error under Response). Sent with HTTP 200, except where the route decides.
 */
import { AUTODISCOVER_RESPONSE_NS } from './namespaces'
import { xml, xmlDocument } from '../../markup/xml'

/** MS-OXDSCLI ErrorCode values this service sends. */
export type AutodiscoverErrorCode = 500 | 501 | 600 | 601 | 603

/** The standard meaning of each code, used when the route has nothing more specific to say. */
export const ERROR_MEANING: Record<AutodiscoverErrorCode, string> = {
  500: 'The email address cannot be found.',
  501: 'The email address is known but has no configuration.',
  600: 'Invalid Request',
  601: 'The requested configuration type is not available.',
  603: 'Internal server error.',
}

export interface ErrorStamp {
  /** `hh:mm:ss.fff`, when the request was answered (§2.5: `hh:mm:ss[.fraction]`). */
  readonly time: string
  /** An unsigned integer identifying this server (§2.5). */
  readonly id: number
}

/**
 * `<DebugData/>` is left out: it is optional, and an empty element is what Thunderbird misreads
 * (§5.9).
 */
export function renderAutodiscoverError(code: AutodiscoverErrorCode, message: string, stamp: ErrorStamp): string {
  const root = xml`<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">
  <Response>
    <Error Time="${stamp.time}" Id="${stamp.id}">
      <ErrorCode>${code}</ErrorCode>
      <Message>${message}</Message>
    </Error>
  </Response>
</Autodiscover>`
  return xmlDocument(root)
}

/** `hh:mm:ss.fff` in UTC. */
export function formatErrorTime(at: Date): string {
  return at.toISOString().slice(11, 23)
}

/**
 * A stable unsigned 32-bit id for a host name (FNV-1a): the same service host always reports the
 * same Id, and nothing random goes into a document.
 */
export function serverIdFor(host: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(host.toLowerCase())) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
