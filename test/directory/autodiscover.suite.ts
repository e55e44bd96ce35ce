/**
 * Autodiscover (POX and mobilesync) for a domain with an LDAP directory, through the whole service
 * on any storage driver (test/support/target.ts), against the real slapd of test/support/node/slapd-global-setup.ts.
 */
import { XMLParser } from 'fast-xml-parser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ldapPorts, ldapSeed } from '../support/ldap-fixture'
import { seed, type ProtocolTarget } from '../support/target'

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, isArray: (n) => n === 'Protocol' })

const poxBody = (address: string) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`

async function pox(target: ProtocolTarget, address: string) {
  const response = await target.fetch('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', body: poxBody(address) })
  return { response, body: await response.text() }
}

export function describeLdapAutodiscover(target: ProtocolTarget): void {
  describe(`Autodiscover with LDAP on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, ldapSeed())).status).toBe(200)
      // Directory failures are logged at error level; they are expected here.
      target.captureLog()
    })
    afterEach(() => vi.restoreAllMocks())

    describe('Autodiscover POX for an LDAP domain', () => {
      it('answers the directory login name in every Protocol and the common name as DisplayName', async () => {
        const { response, body } = await pox(target, 'john.doe@example.com')
        expect(response.status).toBe(200)
        const root = parser.parse(body).Autodiscover.Response
        expect(root.User.DisplayName).toBe('John Doe')
        const mail = root.Account.Protocol.filter((p: { Type: string }) => ['IMAP', 'SMTP'].includes(p.Type))
        expect(mail.map((p: { LoginName: string }) => p.LoginName)).toEqual(['jdoe', 'jdoe'])
      })

      // docs/clients.md §5.3: no enumeration through a different answer shape.
      it('answers an address the directory does not know like a domain without LDAP (expanded address)', async () => {
        const { response, body } = await pox(target, 'nobody@example.com')
        expect(response.status).toBe(200)
        const root = parser.parse(body).Autodiscover.Response
        expect(root.User.DisplayName).toBe('nobody@example.com')
        expect(root.Account.Protocol[0].LoginName).toBe('nobody@example.com')
      })

      it('answers 503 with the 603 error document when the directory is down', async () => {
        await target.reset()
        await seed(target, ldapSeed({ port: ldapPorts().closedPort }))
        const { response, body } = await pox(target, 'john.doe@example.com')
        expect(response.status).toBe(503)
        expect(response.headers.get('Retry-After')).toBe('30')
        expect(parser.parse(body).Autodiscover.Response.Error.ErrorCode).toBe('603')
      })
    })
  })
}
