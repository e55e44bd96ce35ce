/**
 * The admin API's authentication and OpenAPI through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents } from '../support/admin-client'
import { adminHeaders, type ProtocolTarget } from '../support/target'

export function describeAdminAuthOpenApi(target: ProtocolTarget): void {
  describe(`admin API: authentication and OpenAPI on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(() => target.reset())

    const ENDPOINTS: [string, string][] = [
      ['GET', '/admin/openapi.json'],
      ['GET', '/admin/providers'],
      ['POST', '/admin/providers'],
      ['PUT', '/admin/providers/1'],
      ['DELETE', '/admin/providers/1?cascade=true'],
      ['GET', '/admin/domains'],
      ['POST', '/admin/domains'],
      ['DELETE', '/admin/domains/example.com'],
      ['GET', '/admin/servers'],
      ['PUT', '/admin/servers/1/domains/example.com'],
      ['GET', '/admin/davservers'],
      ['GET', '/admin/ldapservers'],
      ['GET', '/admin/export'],
      ['POST', '/admin/import?replace=true'],
      ['GET', '/admin/no-such-thing'],
    ]
    const body = JSON.stringify({ name: 'Intruder' })

    describe('admin API authentication', () => {
      it.each(ENDPOINTS)('%s %s without the token is 401 with WWW-Authenticate and writes nothing', async (method, path) => {
        const response = await target.fetch(path, { method, ...(method === 'GET' ? {} : { body }) })
        expect(response.status).toBe(401)
        expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/)
        expect((await tableContents(target)).provider).toEqual([])
      })

      it.each(ENDPOINTS)('%s %s with a wrong token is 401', async (method, path) => {
        const response = await target.fetch(path, { method, headers: { Authorization: `Bearer ${target.adminToken}x` } })
        expect(response.status).toBe(401)
      })

      it('answers 404 on every admin path when no ADMIN_TOKEN is configured', async () => {
        const withoutToken = await target.withSettings({ ADMIN_TOKEN: undefined })
        for (const [method, path] of ENDPOINTS) {
          const response = await withoutToken.fetch(`https://x.example${path}`, { method, headers: adminHeaders(target) })
          expect(response.status, `${method} ${path}`).toBe(404)
        }
      })

      // Issue 14, finding 12: the admin API answered on every host routed to the service.
      it('exists only on ADMIN_HOSTNAME when it is set', async () => {
        const pinned = await target.withSettings({ ADMIN_HOSTNAME: 'Admin.Example.NET' })
        const headers = adminHeaders(target)
        for (const path of ['/admin/providers', '/initdb/', '/admin/openapi.json']) {
          expect((await pinned.fetch(`https://autoconfig.example.com${path}`, { headers })).status, path).toBe(404)
          expect((await pinned.fetch(`https://admin.example.net${path}`, { headers })).status, path).not.toBe(404)
        }
        // Config routes answer on every host as before.
        expect((await pinned.fetch('https://autoconfig.example.com/healthz')).status).toBe(200)
      })

      // Issue 14, finding 9: any ADMIN_TOKEN was accepted, one character too.
      it('refuses to run the admin API with an ADMIN_TOKEN under 16 characters, naming the setting', async () => {
        const weak = await target.withSettings({ ADMIN_TOKEN: 'short-token' })
        const response = await weak.fetch('/admin/providers', { headers: { Authorization: 'Bearer short-token' } })
        expect(response.status).toBe(500)
        expect(await response.text()).toContain('ADMIN_TOKEN must be at least 16 characters')
      })

      it('answers 404 for an unknown admin path with the token', async () => {
        expect((await target.fetch('/admin/no-such-thing', { headers: adminHeaders(target) })).status).toBe(404)
      })
    })

    interface OpenApi {
      openapi: string
      servers: { url: string }[]
      paths: Record<string, Record<string, { operationId?: string; requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>
      components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }>; required?: string[] }> }
    }

    describe('GET /admin/openapi.json', () => {
      it('describes every admin route with schemas generated from the validators', async () => {
        const { status, body } = await admin('GET', '/admin/openapi.json')
        expect(status).toBe(200)
        const doc = body as unknown as OpenApi
        expect(doc.openapi).toBe('3.1.0')
        expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
          '/admin/providers', '/admin/providers/{id}', '/admin/domains/{key}', '/admin/servers/{id}/domains/{domain}',
          '/admin/davservers/{id}', '/admin/ldapservers/{id}', '/admin/export', '/admin/import', '/admin/dns/{domain}',
        ]))
        const schemas = doc.components.schemas
        // Taken from the zod schemas themselves: the enum the validator accepts, the required fields.
        expect(schemas.ServerBody?.properties?.socket_type?.enum).toEqual(['SSL', 'STARTTLS', 'plain'])
        expect(schemas.ServerBody?.required).toEqual(['type', 'name'])
        expect(schemas.DomainBody?.required).toEqual(['name', 'provider_id'])
        expect(Object.keys(schemas.LdapServerBody?.properties ?? {})).toContain('bind_password')
        expect(Object.keys(schemas.LdapServer?.properties ?? {})).not.toContain('bind_password')
        expect(doc.paths['/admin/import']?.post?.requestBody?.content['application/json']?.schema.$ref).toBe('#/components/schemas/SeedDocument')
        // /initdb/ is described too (as /initdb: OpenAPI paths have no trailing slash).
        expect(Object.keys(doc.paths['/initdb'] ?? {}).sort()).toEqual(['delete', 'get', 'post'])
        // Every operation has a unique operationId; servers names where the document was asked for.
        const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
        expect(ids.every((id) => typeof id === 'string')).toBe(true)
        expect(new Set(ids).size).toBe(ids.length)
        expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://autoconfig.example.com' })])
      })

      it('references only schemas it defines', async () => {
        const { body } = await admin('GET', '/admin/openapi.json')
        const refs = [...JSON.stringify(body).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1])
        const defined = Object.keys((body as unknown as OpenApi).components.schemas)
        expect(refs.length).toBeGreaterThan(10)
        expect(refs.filter((r) => !defined.includes(r ?? ''))).toEqual([])
      })
    })
  })
}
