/**
 * A profile produced by the Worker route itself (served over HTTP by workerd), verified with the
 * system's `openssl cms -verify` against a test root: RSA and ECDSA P-256 (docs/clients.md §3.6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWorker, type ServedWorker } from '../../support/node/served-worker'
import { createTestCa, opensslVerify, type TestCa } from '../../support/node/test-ca'

let ca: TestCa
let worker: ServedWorker
let unsigned: Buffer

beforeAll(async () => {
  ca = createTestCa()
  worker = await serveWorker()
  unsigned = Buffer.from(await (await fetch(new URL('/mobileconfig?emailaddress=alice%40example.com', worker.url))).arrayBuffer())
}, 60_000)
afterAll(async () => {
  await worker?.close()
  ca?.dispose()
})

describe('signed profile from GET /mobileconfig, checked by openssl', () => {
  it.each([
    ['RSA', () => ({ cert: ca.rsa.cert, key: ca.rsa.pkcs8 })],
    ['ECDSA P-256', () => ({ cert: ca.ec.cert, key: ca.ec.sec1 })],
  ])('%s: verifies against the test root and holds exactly the unsigned profile', async (_case, pair) => {
    const { cert, key } = pair()
    await worker.setSecrets({ MOBILECONFIG_SIGNING_CERT: cert, MOBILECONFIG_SIGNING_KEY: key, MOBILECONFIG_SIGNING_CHAIN: ca.intermediatePem })
    const response = await fetch(new URL('/mobileconfig?emailaddress=alice%40example.com', worker.url))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-apple-aspen-config')
    const der = new Uint8Array(await response.arrayBuffer())
    expect(der[0]).toBe(0x30)
    expect(unsigned.toString('utf8')).toContain('<key>EmailAddress</key>')
    expect(opensslVerify(ca, der, ca.rootFile)).toEqual(unsigned)
    expect(() => opensslVerify(ca, der, ca.otherRootFile)).toThrow()
  }, 30_000)
})
