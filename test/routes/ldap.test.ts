import { describeLdap } from '../protocol/ldap.suite'
import { workerTarget } from '../support/worker-target'

describeLdap(workerTarget)
