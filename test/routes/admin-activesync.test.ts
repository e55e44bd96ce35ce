import { describeAdminActiveSync } from '../protocol/admin-activesync.suite'
import { workerTarget } from '../support/worker-target'

describeAdminActiveSync(workerTarget)
