/** The Autoconfig, /initdb/ and request-log suites against the self-hosted Node entry over libsql (`file:`), through real HTTP. */
import { afterAll } from 'vitest'
import { describeAutoconfig } from '../protocol/autoconfig.suite'
import { describeInitdb } from '../protocol/initdb.suite'
import { describeLogging } from '../protocol/logging.suite'
import { startNodeTarget } from './support/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())

describeAutoconfig(target)
describeInitdb(target)
describeLogging(target)
