import { describeAdminServers } from '../protocol/admin-servers.suite'
import { workerTarget } from '../support/worker-target'

describeAdminServers(workerTarget)
