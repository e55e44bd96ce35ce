import { describeAdminProvidersDomains } from '../protocol/admin-providers-domains.suite'
import { workerTarget } from '../support/worker-target'

describeAdminProvidersDomains(workerTarget)
