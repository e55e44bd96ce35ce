import { describeMobileconfig } from '../protocol/mobileconfig.suite'
import { workerTarget } from '../support/worker-target'

describeMobileconfig(workerTarget)
