import { describeAdminDnsServices } from '../protocol/admin-dns-services.suite'
import { workerTarget } from '../support/worker-target'

describeAdminDnsServices(workerTarget)
