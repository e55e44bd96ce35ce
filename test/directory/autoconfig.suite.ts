/**
 * Autoconfig for a domain with an LDAP directory, through the whole service on any storage driver
 * (test/support/target.ts), against the real slapd of test/support/node/slapd-global-setup.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { validateAutoconfig } from '../../src/client-rules/autoconfig'
import { ldapPorts, ldapSeed, READER_PASSWORD } from '../support/ldap-fixture'
import { seed, type ProtocolTarget, type Settings } from '../support/target'

const usernames = (body: string) => [...body.matchAll(/<username>([^<]*)<\/username>/g)].map((m) => m[1])

export function describeLdap(target: ProtocolTarget): void {
  describe(`Autoconfig with LDAP on ${target.name}`, () => {
    async function autoconfig(query: string, overrides: Settings = {}) {
      // Configured first: on Node a new configuration starts a server, which is not the request's time.
      const configured = await target.withSettings({ LOG_LEVEL: 'info', ...overrides })
      const started = Date.now()
      const response = await configured.fetch(`https://autoconfig.example.com/mail/config-v1.1.xml${query}`)
      return { response, body: await response.text(), elapsed: Date.now() - started }
    }
    const forAddress = (address: string, overrides: Settings = {}) => autoconfig(`?emailaddress=${encodeURIComponent(address)}`, overrides)

    let lines: string[] = []
    const logRecords = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>)

    async function seedWith(ldapOverrides: Record<string, unknown> = {}) {
      await target.reset()
      const response = await seed(target, ldapSeed(ldapOverrides))
      expect(response.status).toBe(200)
    }

    beforeEach(async () => {
      await seedWith()
      lines = target.captureLog()
    })
    afterEach(() => vi.restoreAllMocks())

    describe('Autoconfig for an LDAP domain: found', () => {
      it('puts the directory login name into every server and DAV entry, valid for every client', async () => {
        const { response, body } = await forAddress('john.doe@example.com')
        expect(response.status).toBe(200)
        expect(usernames(body)).toEqual(['jdoe', 'jdoe', 'jdoe'])
        expect(body).not.toContain('%EMAILADDRESS%')
        expect(validateAutoconfig(body)).toEqual([])
      })

      // docs/clients.md §5.6: a document holding the user's directory login name is per user.
      it('marks the per-user document no-store, the generic one (no address) public', async () => {
        expect((await forAddress('john.doe@example.com')).response.headers.get('Cache-Control')).toBe('no-store')
        expect((await forAddress('very.private@example.com')).response.headers.get('Cache-Control')).toBe('no-store')
        expect((await autoconfig('')).response.headers.get('Cache-Control')).toBe('public, max-age=60')
        expect((await autoconfig('', { CONFIG_CACHE_TTL_SECONDS: '15' })).response.headers.get('Cache-Control')).toBe('public, max-age=15')
      })

      it('matches the address in the directory case-insensitively (mail is caseIgnoreIA5)', async () => {
        const { body } = await forAddress('John.Doe@Example.COM')
        expect(usernames(body)).toEqual(['jdoe', 'jdoe', 'jdoe'])
      })

      it('takes the bind password from a Worker secret named by env:LDAP_…', async () => {
        await seedWith({ bind_password: 'env:LDAP_READER_PASSWORD' })
        const { response, body } = await forAddress('anna@example.com', { LDAP_READER_PASSWORD: READER_PASSWORD })
        expect(response.status).toBe(200)
        expect(usernames(body)).toEqual(['asmith', 'asmith', 'asmith'])
      })

      // The test CA is trusted through SSL_CERT_FILE (test/support/node/slapd-global-setup.ts).
      it('looks the user up over LDAPS (use_ssl) as well', async () => {
        await seedWith({ port: ldapPorts().ldapsPort, use_ssl: true })
        const { response, body } = await forAddress('john.doe@example.com')
        expect(response.status).toBe(200)
        expect(usernames(body)).toEqual(['jdoe', 'jdoe', 'jdoe'])
      })

      it('keeps the placeholder where the entry has no attr_uid value', async () => {
        const { body } = await forAddress('nadia@example.com')
        expect(usernames(body)).toEqual(['%EMAILADDRESS%', '%EMAILADDRESS%', '%EMAILADDRESS%'])
      })

      it('does not ask the directory without an address, or for a domain without one', async () => {
        // The directory row points at a closed port: any lookup would answer 503.
        await seedWith({ port: ldapPorts().closedPort })
        expect((await autoconfig('')).response.status).toBe(200)
        expect((await forAddress('john.doe@plain.example')).response.status).toBe(200)
      })
    })

    describe('Autoconfig for an LDAP domain: not found', () => {
      // docs/clients.md §1.8 and §5.3: answer a real config, not an error, so
      // responses do not reveal which addresses exist.
      it('answers exactly what a domain without a directory gets, and logs without the local part', async () => {
        const unknown = await forAddress('very.private@example.com')
        const plain = await forAddress('very.private@plain.example')
        expect(unknown.response.status).toBe(200)
        expect(unknown.body).toBe(plain.body)
        expect(usernames(unknown.body)).toEqual(['%EMAILADDRESS%', '%EMAILADDRESS%', '%EMAILADDRESS%'])
        expect(logRecords()).toContainEqual(expect.objectContaining({ level: 'info', msg: 'directory has no entry for the address', domain: 'example.com' }))
        expect(lines.join('\n')).not.toContain('very.private')
      })

      // RFC 4515: escaped, these compare literally and find nobody (test/ldap.test.ts shows that
      // the same strings unescaped match people or break the filter in this fixture tree).
      it.each(['*@example.com', 'j*@example.com', 'a)(uid=*)@example.com', '*)(uid=*))(|(uid=*@example.com', 'a\\@example.com'])(
        'an escaping attack finds nobody: %s',
        async (attack) => {
          const { response, body } = await forAddress(attack)
          expect(response.status).toBe(200)
          expect(usernames(body)).toEqual(['%EMAILADDRESS%', '%EMAILADDRESS%', '%EMAILADDRESS%'])
        },
      )

      it('an address holding metacharacters finds exactly its owner', async () => {
        expect(usernames((await forAddress('a*@example.com')).body)).toEqual(['star', 'star', 'star'])
      })

      it('refuses a NUL in the address with 400 before any lookup', async () => {
        const { response, body } = await autoconfig('?emailaddress=a%00%40example.com')
        expect(response.status).toBe(400)
        expect(body).toContain('malformed')
      })
    })

    // docs/clients.md §5.4: a non-2xx makes clients move on to their next source
    // rather than take a config whose usernames would be wrong; Retry-After tells caches when to retry.
    describe('Autoconfig for an LDAP domain: directory failures → 503', () => {
      const expect503 = async (result: Awaited<ReturnType<typeof autoconfig>>) => {
        expect(result.response.status).toBe(503)
        expect(result.response.headers.get('Retry-After')).toBe('30')
        expect(result.body).toBe('the user directory is unavailable; try again shortly')
      }
      const errorRecord = () => logRecords().find((r) => r.level === 'error')

      it('bind refused: 503, cause logged, password and local part never logged', async () => {
        await seedWith({ bind_password: 'wrong-password-123' })
        await expect503(await forAddress('john.doe@example.com'))
        expect(errorRecord()).toMatchObject({ msg: 'directory unavailable', stage: 'bind', cause: expect.stringMatching(/InvalidCredentials/i), domain: 'example.com' })
        expect(lines.join('\n')).not.toMatch(/wrong-password-123|john\.doe|reader-secret/)
      })

      it('env: secret not set: 503 with the cause logged', async () => {
        await seedWith({ bind_password: 'env:LDAP_READER_PASSWORD' })
        await expect503(await forAddress('john.doe@example.com'))
        expect(errorRecord()).toMatchObject({ stage: 'config', cause: expect.stringContaining('not set') })
      })

      it('LDAPS spoken to a plain LDAP port: 503 with the TLS failure logged', async () => {
        await seedWith({ port: ldapPorts().port, use_ssl: true })
        await expect503(await forAddress('john.doe@example.com'))
        expect(errorRecord()).toMatchObject({ msg: 'directory unavailable', domain: 'example.com' })
      })

      it('directory down (port closed): 503 at once', async () => {
        await seedWith({ port: ldapPorts().closedPort })
        const result = await forAddress('john.doe@example.com')
        await expect503(result)
        expect(result.elapsed).toBeLessThan(1_500)
        expect(errorRecord()).toMatchObject({ stage: 'connect', cause: expect.stringContaining('ECONNREFUSED') })
      })

      it('slow directory: 503 once LDAP_TIMEOUT_MS has passed, never a hang', async () => {
        await seedWith({ port: ldapPorts().silentPort })
        const result = await forAddress('john.doe@example.com', { LDAP_TIMEOUT_MS: '300' })
        await expect503(result)
        expect(result.elapsed).toBeGreaterThanOrEqual(290)
        expect(result.elapsed).toBeLessThan(2_000)
        expect(errorRecord()).toMatchObject({ stage: 'bind', cause: expect.stringMatching(/timed out/i) })
      })

      it('never writes an ldapts debug line (workerd debuglog is always on; src/directory/node-util-shim.js)', async () => {
        await forAddress('john.doe@example.com', { LOG_LEVEL: 'debug' })
        expect(lines.length).toBeGreaterThan(0)
        expect(lines.join('\n')).not.toMatch(/LDAPTS|john\.doe|reader-secret|cn=reader/)
      })
    })
  })
}
