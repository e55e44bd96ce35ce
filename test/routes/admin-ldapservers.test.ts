import { describeAdminLdapServers } from '../protocol/admin-ldapservers.suite'
import { workerTarget } from '../support/worker-target'

describeAdminLdapServers(workerTarget)
