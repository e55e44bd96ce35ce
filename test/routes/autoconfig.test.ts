import { describeAutoconfig } from '../protocol/autoconfig.suite'
import { workerTarget } from '../support/worker-target'

describeAutoconfig(workerTarget)
