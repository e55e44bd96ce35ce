/** The LDAP suites (Autoconfig, Autodiscover, Apple profiles) against the Node entry over libsql and the test slapd. */
import { afterAll } from 'vitest'
import { describeLdapAutodiscover } from '../protocol/ldap-autodiscover.suite'
import { describeLdapMobileconfig } from '../protocol/ldap-mobileconfig.suite'
import { describeLdap } from '../protocol/ldap.suite'
import { startNodeTarget } from './support/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())

describeLdap(target)
describeLdapAutodiscover(target)
describeLdapMobileconfig(target)
