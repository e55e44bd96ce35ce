import { describeAdminAuthOpenApi } from '../protocol/admin-auth-openapi.suite'
import { workerTarget } from '../support/worker-target'

describeAdminAuthOpenApi(workerTarget)
