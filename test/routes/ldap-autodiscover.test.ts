/**
 * Autodiscover (POX and mobilesync) for a domain with an LDAP directory, through the Worker
 * against the real slapd of test/support/slapd-global-setup.ts.
 */
import { env } from 'cloudflare:test'
import { XMLParser } from 'fast-xml-parser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/index'
import { ldapPorts, ldapSeed } from '../support/ldap-fixture'
import { resetDatabase, seed } from '../support/worker'

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, isArray: (n) => n === 'Protocol' })

const poxBody = (address: string) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`

async function pox(address: string) {
  const response = await worker.fetch(
    new Request('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', body: poxBody(address) }),
    { ...env, LOG_LEVEL: 'warn' },
  )
  return { response, body: await response.text() }
}

beforeEach(async () => {
  await resetDatabase()
  expect((await seed(ldapSeed())).status).toBe(200)
  vi.spyOn(console, 'error').mockImplementation(() => undefined)
  vi.spyOn(console, 'log').mockImplementation(() => undefined)
})
afterEach(() => vi.restoreAllMocks())

describe('Autodiscover POX for an LDAP domain', () => {
  it('answers the directory login name in every Protocol and the common name as DisplayName', async () => {
    const { response, body } = await pox('john.doe@example.com')
    expect(response.status).toBe(200)
    const root = parser.parse(body).Autodiscover.Response
    expect(root.User.DisplayName).toBe('John Doe')
    const mail = root.Account.Protocol.filter((p: { Type: string }) => ['IMAP', 'SMTP'].includes(p.Type))
    expect(mail.map((p: { LoginName: string }) => p.LoginName)).toEqual(['jdoe', 'jdoe'])
  })

  // protocols.md §5 "Non-existent addresses": no enumeration through a different answer shape.
  it('answers an address the directory does not know like a domain without LDAP (expanded address)', async () => {
    const { response, body } = await pox('nobody@example.com')
    expect(response.status).toBe(200)
    const root = parser.parse(body).Autodiscover.Response
    expect(root.User.DisplayName).toBe('nobody@example.com')
    expect(root.Account.Protocol[0].LoginName).toBe('nobody@example.com')
  })

  it('answers 503 with the 603 error document when the directory is down', async () => {
    await resetDatabase()
    await seed(ldapSeed({ port: ldapPorts().closedPort }))
    const { response, body } = await pox('john.doe@example.com')
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('30')
    expect(parser.parse(body).Autodiscover.Response.Error.ErrorCode).toBe('603')
  })
})
