import { describeInitdb } from '../protocol/initdb.suite'
import { workerTarget } from '../support/worker-target'

describeInitdb(workerTarget)
