/** The admin API suites against the Node entry over libsql, through real HTTP. */
import { afterAll } from 'vitest'
import { describeAdminActiveSync } from '../protocol/admin-activesync.suite'
import { describeAdminAuthOpenApi } from '../protocol/admin-auth-openapi.suite'
import { describeAdminDnsServices } from '../protocol/admin-dns-services.suite'
import { describeAdminDns } from '../protocol/admin-dns.suite'
import { describeAdminLdapServers } from '../protocol/admin-ldapservers.suite'
import { describeAdminProvidersDomains } from '../protocol/admin-providers-domains.suite'
import { describeAdminServers } from '../protocol/admin-servers.suite'
import { describeAdminTransfer } from '../protocol/admin-transfer.suite'
import { startNodeTarget } from './support/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())

describeAdminProvidersDomains(target)
describeAdminServers(target)
describeAdminLdapServers(target)
describeAdminActiveSync(target)
describeAdminTransfer(target)
describeAdminDns(target)
describeAdminDnsServices(target)
describeAdminAuthOpenApi(target)
