/** Every protocol suite on the Worker in workerd, over the local D1 (test/support/worker-target.ts). */
import { workerTarget } from '../support/worker-target'
import { describeEverySuite } from './suites'

describeEverySuite(workerTarget)
