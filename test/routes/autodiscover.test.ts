import { describeAutodiscover } from '../protocol/autodiscover.suite'
import { workerTarget } from '../support/worker-target'

describeAutodiscover(workerTarget)
