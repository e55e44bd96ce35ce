import { describeSite } from '../protocol/site.suite'
import { workerTarget } from '../support/worker-target'

describeSite(workerTarget)
