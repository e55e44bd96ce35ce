/**
 * The admin API under /admin/, all behind the bearer token (admin/auth.ts): one module per resource
 * (admin/resources/), export/import, the DNS records to publish, the doctor, and the OpenAPI document generated
 * from these routes. Unknown /admin/ paths answer 401 before 404, so they reveal nothing.
 */
import { failAsJson, protocolRouter } from '../app/failures'
import { requireAdmin } from './auth'
import { dns } from './dns'
import { doctor } from './doctor'
import { adminRouter } from './operation'
import { ADMIN_BODY_LIMIT, limitBody } from './request'
import { activeSync } from './resources/activesync'
import { davservers } from './resources/davservers'
import { domains } from './resources/domains'
import { ldapservers } from './resources/ldapservers'
import { providers } from './resources/providers'
import { servers } from './resources/servers'
import { sieveservers } from './resources/sieveservers'
import { urlservers } from './resources/urlservers'
import { transfer } from './transfer'

export const admin = protocolRouter(failAsJson, adminRouter()).router

admin.use('*', requireAdmin)
for (const path of ['/providers/*', '/domains/*', '/servers/*', '/davservers/*', '/urlservers/*', '/sieveservers/*', '/ldapservers/*']) {
  admin.use(path, limitBody(ADMIN_BODY_LIMIT))
}
admin.route('/providers', providers)
admin.route('/domains', domains)
admin.route('/domains', activeSync)
admin.route('/servers', servers)
admin.route('/davservers', davservers)
admin.route('/urlservers', urlservers)
admin.route('/sieveservers', sieveservers)
admin.route('/ldapservers', ldapservers)
admin.route('/dns', dns)
admin.route('/doctor', doctor)
admin.route('/', transfer)
