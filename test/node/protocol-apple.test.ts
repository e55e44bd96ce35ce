/** The Apple suites (profiles, signing, landing page) against the Node entry over libsql, through real HTTP. */
import { afterAll } from 'vitest'
import { describeMobileconfig } from '../protocol/mobileconfig.suite'
import { describeSite } from '../protocol/site.suite'
import { startNodeTarget } from './support/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())

describeMobileconfig(target)
describeSite(target)
