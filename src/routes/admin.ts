/**
 * The admin API under /admin/, all behind the bearer token (routes/admin-auth.ts): JSON CRUD of
 * providers, domains (with their ActiveSync URL), servers, DAV servers and LDAP servers,
 * export/import, the DNS records to publish, and the OpenAPI document describing it. Unknown /admin/ paths answer 401 before 404, so they reveal nothing.
 */
import { Hono } from 'hono'
import { buildAdminOpenApi } from '../admin-openapi'
import type { AppEnv } from '../env'
import { adminActiveSync } from './admin-activesync'
import { requireAdmin } from './admin-auth'
import { adminDns } from './admin-dns'
import { adminDomains } from './admin-domains'
import { adminLdapServers } from './admin-ldapservers'
import { adminProviders } from './admin-providers'
import { ADMIN_BODY_LIMIT, limitBody } from './admin-request'
import { adminDavServers, adminServers } from './admin-servers'
import { adminTransfer } from './admin-transfer'
import { unavailableAsJson } from './unavailable'

export const admin = new Hono<AppEnv>()
admin.onError(unavailableAsJson)

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
