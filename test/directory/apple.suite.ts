/** Apple profiles for a domain with an LDAP directory, through the whole service on any
 * storage driver (test/support/target.ts), against real slapd. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ldapPorts, ldapSeed } from '../support/ldap-fixture'
import { parsePlist, type PlistDict } from '../../src/client-rules/plist'
import { seed, type ProtocolTarget } from '../support/target'

async function profile(target: ProtocolTarget, address: string) {
  const response = await target.fetch(`https://autoconfig.example.com/mobileconfig?emailaddress=${encodeURIComponent(address)}`)
  return { response, body: await response.text() }
}

const mailPayload = (body: string) => {
  const root = parsePlist(body) as PlistDict
  return (root.PayloadContent as PlistDict[]).find((p) => p.PayloadType === 'com.apple.mail.managed') as PlistDict
}

export function describeLdapMobileconfig(target: ProtocolTarget): void {
  describe(`Apple profiles with LDAP on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, ldapSeed())).status).toBe(200)
      // Directory failures are logged at error level; they are expected here.
      target.captureLog()
    })
    afterEach(() => vi.restoreAllMocks())

    describe('Apple profile for an LDAP domain', () => {
      it('uses the directory login name for both servers and the common name as sender name', async () => {
        const { response, body } = await profile(target, 'john.doe@example.com')
        expect(response.status).toBe(200)
        const mail = mailPayload(body)
        expect(mail.IncomingMailServerUsername).toBe('jdoe')
        expect(mail.OutgoingMailServerUsername).toBe('jdoe')
        expect(mail.EmailAccountName).toBe('John Doe')
      })

      it('falls back to the expanded address for an address the directory does not know', async () => {
        const mail = mailPayload((await profile(target, 'nobody@example.com')).body)
        expect(mail.IncomingMailServerUsername).toBe('nobody@example.com')
        expect(mail.EmailAccountName).toBeUndefined()
      })

      it('answers 503 with Retry-After when the directory is down', async () => {
        await target.reset()
        await seed(target, ldapSeed({ port: ldapPorts().closedPort }))
        const { response } = await profile(target, 'john.doe@example.com')
        expect(response.status).toBe(503)
        expect(response.headers.get('Retry-After')).toBe('30')
      })
    })
  })
}
