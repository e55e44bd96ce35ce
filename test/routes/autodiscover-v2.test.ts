import { describeAutodiscoverV2 } from '../protocol/autodiscover-v2.suite'
import { workerTarget } from '../support/worker-target'

describeAutodiscoverV2(workerTarget)
