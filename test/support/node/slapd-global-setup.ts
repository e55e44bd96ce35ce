/**
 * vitest globalSetup of the whole run (both projects): starts slapd (LDAP + LDAPS) and a silent
 * TCP server on 127.0.0.1 before any test runs, hands their ports to the tests through `provide`
 * (read with `inject`, inside workerd as in Node), and stops both afterwards.
 */
import type { TestProject } from 'vitest/node'
import { freePort } from './ports'
import { startSilentServer, startSlapd } from './slapd'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const slapd = await startSlapd()
  // LDAPS from workerd: its sockets verify TLS with rustls against the trust store named by
  // SSL_CERT_FILE when set (tried: without it, "invalid peer certificate: UnknownIssuer"). workerd
  // is spawned by the pool after global setup, from this process, so it inherits this variable.
  const previousCertFile = process.env.SSL_CERT_FILE
  process.env.SSL_CERT_FILE = slapd.trustFile
  // The Node project's test processes (forks, started after global setup) run the self-hosted
  // server in-process; Node reads extra trusted CAs from this variable at startup, as an operator
  // would point it at a private directory CA.
  const previousExtraCerts = process.env.NODE_EXTRA_CA_CERTS
  process.env.NODE_EXTRA_CA_CERTS = slapd.trustFile
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
    if (previousExtraCerts === undefined) delete process.env.NODE_EXTRA_CA_CERTS
    else process.env.NODE_EXTRA_CA_CERTS = previousExtraCerts
    await Promise.all([slapd.stop(), silent.stop()])
  }
}
