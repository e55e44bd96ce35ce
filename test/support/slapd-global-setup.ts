/**
 * vitest globalSetup of the worker project: starts slapd (LDAP + LDAPS) and a silent TCP server
 * on 127.0.0.1 before any Worker test runs, hands their ports to the tests through `provide`
 * (read with `inject` inside workerd), and stops both afterwards.
 */
import type { TestProject } from 'vitest/node'
import { freePort, startSilentServer, startSlapd } from './slapd'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const slapd = await startSlapd()
  // LDAPS from workerd: its sockets verify TLS with rustls against the trust store named by
  // SSL_CERT_FILE when set (tried: without it, "invalid peer certificate: UnknownIssuer"). workerd
  // is spawned by the pool after global setup, from this process, so it inherits this variable.
  const previousCertFile = process.env.SSL_CERT_FILE
  process.env.SSL_CERT_FILE = slapd.trustFile
  const silent = await startSilentServer().catch(async (error: unknown) => {
    await slapd.stop()
    throw error
  })
  project.provide('ldap', {
    port: slapd.port,
    ldapsPort: slapd.ldapsPort,
    caPem: slapd.caPem,
    silentPort: silent.port,
    // Nothing listens here: connections are refused, as when the directory is down.
    closedPort: await freePort(),
  })
  return async () => {
    if (previousCertFile === undefined) delete process.env.SSL_CERT_FILE
    else process.env.SSL_CERT_FILE = previousCertFile
    await Promise.all([slapd.stop(), silent.stop()])
  }
}
