import { describeAdminTransfer } from '../protocol/admin-transfer.suite'
import { workerTarget } from '../support/worker-target'

describeAdminTransfer(workerTarget)
