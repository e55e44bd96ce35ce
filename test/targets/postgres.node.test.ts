/** Every protocol suite on the self-hosted Node server over PostgreSQL (a fresh database on the run's server), through real HTTP. */
import { afterAll } from 'vitest'
import { startNodeTarget } from '../support/node/node-target'
import { describeEverySuite } from './suites'

const target = await startNodeTarget({}, { database: 'postgresql' })
afterAll(() => target.stop())

describeEverySuite(target)
