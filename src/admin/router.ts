/**
 * The admin API under /admin/, all behind the bearer token (routes/admin-auth.ts): JSON CRUD of
 * providers, domains (with their ActiveSync URL), servers, DAV servers and LDAP servers,
 * export/import, the DNS records to publish, and the OpenAPI document describing it. Unknown /admin/ paths answer 401 before 404, so they reveal nothing.
 */
import { Hono } from 'hono'
import { buildAdminOpenApi } from './openapi'
import type { AppEnv } from '../app/env'
import { adminActiveSync } from './resources/activesync'
import { requireAdmin } from './auth'
import { adminDns } from './dns'
import { adminDomains } from './resources/domains'
import { adminLdapServers } from './resources/ldapservers'
import { adminProviders } from './resources/providers'
import { ADMIN_BODY_LIMIT, limitBody } from './request'
import { adminDavServers, adminServers } from './resources/servers'
import { adminTransfer } from './transfer'
import { failAsJson, protocolRouter } from '../app/failures'

export const admin = protocolRouter(failAsJson).router

// Built on first use, not at import time: most Worker invocations never need it.
let openApi: Record<string, unknown> | undefined

admin.use('*', requireAdmin)
for (const path of ['/providers/*', '/domains/*', '/servers/*', '/davservers/*', '/ldapservers/*']) {
  admin.use(path, limitBody(ADMIN_BODY_LIMIT))
}
admin.get('/openapi.json', (c) => c.json((openApi ??= buildAdminOpenApi())))
admin.route('/providers', adminProviders)
admin.route('/domains', adminDomains)
admin.route('/servers', adminServers)
admin.route('/davservers', adminDavServers)
admin.route('/ldapservers', adminLdapServers)
admin.route('/domains', adminActiveSync)
admin.route('/dns', adminDns)
admin.route('/', adminTransfer)
