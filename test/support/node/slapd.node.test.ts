/**
 * The test directory harness itself (test/support/slapd.ts): it must serve the fixture tree over
 * LDAP and verified LDAPS, and leave no process or files behind.
 */
import { existsSync } from 'node:fs'
import { createConnection } from 'node:net'
import { Client } from 'ldapts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_DIRECTORY, startSilentServer, startSlapd, type RunningSlapd } from './slapd'

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => (socket.destroy(), resolve(false)))
    socket.once('error', () => resolve(true))
  })

describe('startSlapd', () => {
  let slapd: RunningSlapd
  beforeAll(async () => {
    slapd = await startSlapd()
  })
  afterAll(async () => {
    await slapd.stop()
  })

  it.each(['ldap', 'ldaps'] as const)('serves the fixture tree over %s to the reader account', async (scheme) => {
    const port = scheme === 'ldap' ? slapd.port : slapd.ldapsPort
    // LDAPS with certificate verification on (Node's default), trusting only the test CA.
    const client = new Client({ url: `${scheme}://127.0.0.1:${port}`, timeout: 2_000, connectTimeout: 2_000, ...(scheme === 'ldaps' ? { tlsOptions: { ca: [slapd.caPem] } } : {}) })
    try {
      await client.bind(FIXTURE_DIRECTORY.bindDn, FIXTURE_DIRECTORY.bindPassword)
      const { searchEntries } = await client.search(FIXTURE_DIRECTORY.peopleBase, { filter: '(mail=john.doe@example.com)', attributes: ['uid'] })
      expect(searchEntries.map((e) => e.uid)).toEqual(['jdoe'])
    } finally {
      await client.unbind()
    }
  })

  it('refuses a wrong bind password', async () => {
    const client = new Client({ url: `ldap://127.0.0.1:${slapd.port}`, timeout: 2_000 })
    await expect(client.bind(FIXTURE_DIRECTORY.bindDn, 'wrong')).rejects.toMatchObject({ name: 'InvalidCredentialsError' })
    await client.unbind()
  })

  it('stops: the port is closed and the temporary directory removed', async () => {
    const other = await startSlapd()
    expect(existsSync(other.trustFile)).toBe(true)
    await other.stop()
    expect(await refused(other.port)).toBe(true)
    expect(existsSync(other.trustFile)).toBe(false)
  })
})

describe('startSilentServer', () => {
  it('accepts connections, sends nothing, and closes them on stop', async () => {
    const silent = await startSilentServer()
    const socket = createConnection({ host: '127.0.0.1', port: silent.port })
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    await new Promise((resolve) => socket.once('connect', resolve))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(silent.accepted()).toBe(1)
    expect(received).toEqual([])
    const closed = new Promise((resolve) => socket.once('close', resolve))
    await silent.stop()
    await closed
    expect(await refused(silent.port)).toBe(true)
  })
})
