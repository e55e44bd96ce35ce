/** Apple profiles for a domain with an LDAP directory, through the Worker against real slapd. */
import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/index'
import { ldapPorts, ldapSeed } from '../support/ldap-fixture'
import { parsePlist, type PlistDict } from '../support/plist'
import { resetDatabase, seed } from '../support/worker'

async function profile(address: string) {
  const response = await worker.fetch(
    new Request(`https://autoconfig.example.com/mobileconfig?emailaddress=${encodeURIComponent(address)}`),
    { ...env, LOG_LEVEL: 'warn' },
  )
  return { response, body: await response.text() }
}

const mailPayload = (body: string) => {
  const root = parsePlist(body) as PlistDict
  return (root.PayloadContent as PlistDict[]).find((p) => p.PayloadType === 'com.apple.mail.managed') as PlistDict
}

beforeEach(async () => {
  await resetDatabase()
  expect((await seed(ldapSeed())).status).toBe(200)
  vi.spyOn(console, 'error').mockImplementation(() => undefined)
  vi.spyOn(console, 'log').mockImplementation(() => undefined)
})
afterEach(() => vi.restoreAllMocks())

describe('Apple profile for an LDAP domain', () => {
  it('uses the directory login name for both servers and the common name as sender name', async () => {
    const { response, body } = await profile('john.doe@example.com')
    expect(response.status).toBe(200)
    const mail = mailPayload(body)
    expect(mail.IncomingMailServerUsername).toBe('jdoe')
    expect(mail.OutgoingMailServerUsername).toBe('jdoe')
    expect(mail.EmailAccountName).toBe('John Doe')
  })

  it('falls back to the expanded address for an address the directory does not know', async () => {
    const mail = mailPayload((await profile('nobody@example.com')).body)
    expect(mail.IncomingMailServerUsername).toBe('nobody@example.com')
    expect(mail.EmailAccountName).toBeUndefined()
  })

  it('answers 503 with Retry-After when the directory is down', async () => {
    await resetDatabase()
    await seed(ldapSeed({ port: ldapPorts().closedPort }))
    const { response } = await profile('john.doe@example.com')
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('30')
  })
})
