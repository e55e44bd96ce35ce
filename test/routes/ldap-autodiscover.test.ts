import { describeLdapAutodiscover } from '../protocol/ldap-autodiscover.suite'
import { workerTarget } from '../support/worker-target'

describeLdapAutodiscover(workerTarget)
