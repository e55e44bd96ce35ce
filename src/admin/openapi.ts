/**
 * The OpenAPI 3.1 document of the admin API, generated from the zod schemas the API validates
 * with (src/resource-schemas.ts, src/seed-format.ts) and answers with (src/admin-views.ts), by
 * zod's own `z.toJSONSchema` (OpenAPI 3.1 schemas are JSON Schema 2020-12): no extra dependency.
 */
import * as z from 'zod'
import { davServerView, domainView, ldapServerView, problemsView, providerView, serverView } from './views'
import { activeSyncBody, davServerBody, domainBody, ldapServerBody, mailServerBody, providerBody } from './resources/fields'
import { SEED_DOCUMENT_SCHEMAS } from '../seed/format'

type JsonSchema = Record<string, unknown>

/** Request bodies are described as they are sent (before defaults and normalisation). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    override: (ctx) => {
      if (ctx.zodSchema === SEED_DOCUMENT_SCHEMAS.server) {
        ctx.jsonSchema.anyOf = SEED_DOCUMENT_SCHEMAS.serverVariants.map((v) => inputSchema(v))
      }
    },
  })
  return rest
}

function outputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'output' })
  return rest
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } })
const ok = (description: string, schema: JsonSchema) => ({ description, ...json(schema) })
const error = (description: string) => ok(description, ref('Error'))
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const domainParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  description: 'domain id or domain name',
  schema: { type: 'string' },
})
const COMMON_ERRORS = { '401': error('missing or wrong admin token') }

/** list + create on the collection, read + replace + delete on the item. */
function crud(resource: string, view: string, body: string, deleteQuery: JsonSchema[] = [], itemParam: JsonSchema = idParam) {
  return {
    [`/admin/${resource}`]: {
      get: { summary: `list ${resource}`, responses: { '200': ok('all of them, oldest first', { type: 'array', items: ref(view) }), ...COMMON_ERRORS } },
      post: {
        summary: `create one of ${resource}`,
        requestBody: { required: true, ...json(ref(body)) },
        responses: { '201': ok('created', ref(view)), '400': error('invalid body; problems name the fields'), '409': error('conflict'), ...COMMON_ERRORS },
      },
    },
    [`/admin/${resource}/{${String(itemParam.name)}}`]: {
      parameters: [itemParam],
      get: { summary: 'read one', responses: { '200': ok('found', ref(view)), '404': error('unknown'), ...COMMON_ERRORS } },
      put: {
        summary: 'replace one (omitted optional fields take their defaults)',
        requestBody: { required: true, ...json(ref(body)) },
        responses: { '200': ok('replaced', ref(view)), '400': error('invalid body'), '404': error('unknown'), '409': error('conflict'), ...COMMON_ERRORS },
      },
      delete: {
        summary: 'delete one',
        parameters: deleteQuery,
        responses: { '200': ok('deleted', { type: 'object', properties: { deleted: ref(view) } }), '404': error('unknown'), '409': error('still in use'), ...COMMON_ERRORS },
      },
    },
  }
}

function links(resource: string, view: string) {
  const responses = { '200': ok('the server with its domains', ref(view)), '404': error('unknown server or domain'), ...COMMON_ERRORS }
  return {
    [`/admin/${resource}/{id}/domains/{domain}`]: {
      parameters: [idParam, domainParam('domain')],
      put: { summary: 'link the server to a domain (idempotent)', responses },
      delete: { summary: 'unlink the server from a domain (idempotent)', responses },
    },
  }
}

const flag = (name: string, description: string) => ({ name, in: 'query', required: false, description, schema: { type: 'boolean', default: false } })

export function buildAdminOpenApi(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'mailconf admin API',
      version: '1',
      description: 'Manage providers, domains and servers of the mail auto-configuration service. Every request needs `Authorization: Bearer <ADMIN_TOKEN>`.',
    },
    security: [{ bearer: [] }],
    paths: {
      ...crud('providers', 'Provider', 'ProviderBody', [flag('cascade', 'also delete its domains (otherwise 409 while it has any)')]),
      ...crud('domains', 'Domain', 'DomainBody', [], domainParam('key')),
      ...crud('servers', 'Server', 'ServerBody'),
      ...links('servers', 'Server'),
      ...crud('davservers', 'DavServer', 'DavServerBody'),
      ...links('davservers', 'DavServer'),
      ...crud('ldapservers', 'LdapServer', 'LdapServerBody'),
      '/admin/domains/{key}/activesync': {
        parameters: [domainParam('key')],
        get: { summary: "the domain's Exchange ActiveSync URL", responses: { '200': ok('the URL', ref('ActiveSync')), '404': error('unknown domain, or no URL'), ...COMMON_ERRORS } },
        put: {
          summary: 'set or replace the ActiveSync URL (https only)',
          requestBody: { required: true, ...json(ref('ActiveSyncBody')) },
          responses: { '200': ok('set', ref('ActiveSync')), '400': error('invalid body'), '404': error('unknown domain'), ...COMMON_ERRORS },
        },
        delete: { summary: 'remove the ActiveSync URL', responses: { '200': ok('removed', { type: 'object' }), '404': error('unknown domain, or no URL'), ...COMMON_ERRORS } },
      },
      '/admin/export': {
        get: {
          summary: 'the whole database as a seed document (multi-provider form, ids kept)',
          parameters: [flag('include_secrets', 'include LDAP bind passwords')],
          responses: { '200': ok('the document', ref('SeedDocument')), ...COMMON_ERRORS },
        },
      },
      '/admin/import': {
        post: {
          summary: 'load a seed document, all-or-nothing',
          parameters: [flag('replace', 'replace everything (otherwise the database must be empty)')],
          requestBody: { required: true, ...json(ref('SeedDocument')) },
          responses: { '200': ok('counts written', { type: 'object' }), '400': error('invalid document'), '409': error('database not empty'), '413': error('body over 5 MiB'), ...COMMON_ERRORS },
        },
      },
      '/admin/dns/{domain}': {
        get: {
          summary: 'DNS records to publish for a domain (zone file, or JSON with ?format=json)',
          parameters: [domainParam('domain'), { name: 'format', in: 'query', schema: { type: 'string', enum: ['zone', 'json'] } }],
          responses: { '200': { description: 'the records', content: { 'text/plain': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } }, '404': error('unknown domain'), ...COMMON_ERRORS },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Provider: outputSchema(providerView),
        ProviderBody: inputSchema(providerBody),
        Domain: outputSchema(domainView),
        DomainBody: inputSchema(domainBody),
        Server: outputSchema(serverView),
        ServerBody: inputSchema(mailServerBody),
        DavServer: outputSchema(davServerView),
        DavServerBody: inputSchema(davServerBody),
        LdapServer: outputSchema(ldapServerView),
        LdapServerBody: inputSchema(ldapServerBody),
        ActiveSync: { type: 'object', properties: { domain: { type: 'string' }, url: { type: 'string', format: 'uri' } }, required: ['domain', 'url'] },
        ActiveSyncBody: inputSchema(activeSyncBody),
        SeedDocument: inputSchema(SEED_DOCUMENT_SCHEMAS.document),
        Error: outputSchema(problemsView),
      },
    },
  }
}
