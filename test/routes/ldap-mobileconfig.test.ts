import { describeLdapMobileconfig } from '../protocol/ldap-mobileconfig.suite'
import { workerTarget } from '../support/worker-target'

describeLdapMobileconfig(workerTarget)
