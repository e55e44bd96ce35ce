/** Every protocol suite on the self-hosted Node server over a libsql file, through real HTTP (test/support/node/node-target.ts). */
import { afterAll } from 'vitest'
import { startNodeTarget } from '../support/node/node-target'
import { describeEverySuite } from './suites'

const target = await startNodeTarget()
afterAll(() => target.stop())

describeEverySuite(target)
