/** The Autodiscover suites (POX, mobilesync, v2 JSON) against the Node entry over libsql, through real HTTP. */
import { afterAll } from 'vitest'
import { describeAutodiscoverV2 } from '../protocol/autodiscover-v2.suite'
import { describeAutodiscover } from '../protocol/autodiscover.suite'
import { startNodeTarget } from './support/node-target'

const target = await startNodeTarget()
afterAll(() => target.stop())

describeAutodiscover(target)
describeAutodiscoverV2(target)
