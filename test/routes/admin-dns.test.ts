import { describeAdminDns } from '../protocol/admin-dns.suite'
import { workerTarget } from '../support/worker-target'

describeAdminDns(workerTarget)
