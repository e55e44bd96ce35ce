/**
 * Autodiscover namespaces (docs/clients.md §2.2, §2.3, §2.8), in the http:// spelling real clients
 * and Exchange use. Shared by the request parser and the renderers.
 */

/** The response schemas this service answers. */
export type ResponseSchema = 'outlook-2006' | 'outlook-2006a' | 'mobilesync'

/** The namespace a request names in AcceptableResponseSchema, and the inner Response carries. */
export const RESPONSE_SCHEMA_NS: Record<ResponseSchema, string> = {
  'outlook-2006': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006',
  'outlook-2006a': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  'mobilesync': 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
}

/** The namespace of every response's outer Autodiscover element (and of error documents). */
export const AUTODISCOVER_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'
