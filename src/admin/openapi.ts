/**
 * The OpenAPI 3.1 document of the admin API and /initdb/, generated from the routes themselves: each
 * operation was declared once (admin/operation.ts) and registered both as a route and in the
 * document. Component schemas come from the zod schemas that validate requests and describe answers,
 * converted by zod's own `z.toJSONSchema` (OpenAPI 3.1 schemas are JSON Schema 2020-12).
 */
import * as z from 'zod'
import { NAMED_SCHEMAS, type AdminRouter } from './operation'

type Document = Record<string, unknown>

let cached: Document | undefined

const TAGS = [
  ['providers', 'mail providers: a name, and the domains they serve'],
  ['domains', 'mail domains, each of one provider, optionally with an LDAP directory'],
  ['activesync', "a domain's Exchange ActiveSync endpoint"],
  ['servers', 'IMAP, POP3 and SMTP servers, linked to the domains they serve'],
  ['davservers', 'CalDAV and CardDAV servers, linked to the domains they serve'],
  ['urlservers', 'JMAP sessions and WebDAV file shares (https URLs), linked to the domains they serve'],
  ['sieveservers', 'ManageSieve servers, linked to the domains they serve'],
  ['ldapservers', 'LDAP directories that give login and display names'],
  ['dns', 'the DNS records a domain publishes'],
  ['transfer', 'the whole database as a seed document, and back'],
  ['initdb', "automx2's seeding endpoint"],
  ['openapi', 'this document'],
] as const

function components(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {}
  for (const { name, schema, io, override } of NAMED_SCHEMAS.values()) {
    const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io, ...(override ? { override } : {}) })
    schemas[name] = json
  }
  return schemas
}

/** Built on first use (most requests never need it), then kept; `serverUrl` is where it was asked for. */
export function openApiDocument(api: AdminRouter, serverUrl: string): Document {
  cached ??= ((): Document => {
    const document = api.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'mailconf admin API',
        version: '1',
        description: 'Manage providers, domains and servers of the mail auto-configuration service. Every request needs `Authorization: Bearer <ADMIN_TOKEN>`.',
      },
      tags: TAGS.map(([name, description]) => ({ name, description })),
      security: [{ bearer: [] }],
    })
    return { ...document, components: { ...document.components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: components() } }
  })()
  return { ...cached, servers: [{ url: serverUrl, description: 'this service, as the request reached it' }] }
}
