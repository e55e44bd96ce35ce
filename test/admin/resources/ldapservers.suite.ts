/**
 * The admin API's LDAP servers through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { adminClient, tableContents } from '../../support/admin-client'
import type { ProtocolTarget } from '../../support/target'

export function describeAdminLdapServers(target: ProtocolTarget): void {
  describe(`admin API: LDAP servers on ${target.name}`, () => {
    const admin = adminClient(target)

    beforeEach(() => target.reset())

    const LDAP = { name: 'ldap.acme.example', search_base: 'ou=people,dc=acme', bind_user: 'cn=reader', bind_password: 's3cret-pw' }
    const storedPassword = async () => (await target.query('SELECT bind_password FROM ldapserver WHERE id = 1'))[0]?.bind_password

    describe('/admin/ldapservers', () => {
      it('creates an LDAP server with defaults and never answers the bind password', async () => {
        const created = await admin('POST', '/admin/ldapservers', LDAP)
        expect(created).toEqual({
          status: 201,
          body: { id: 1, name: 'ldap.acme.example', port: 636, use_ssl: true, search_base: 'ou=people,dc=acme', search_filter: '(mail={0})', attr_uid: 'uid', attr_cn: 'cn', bind_user: 'cn=reader', has_bind_password: true, domains: [] },
        })
        expect(await storedPassword()).toBe('s3cret-pw')
        for (const path of ['/admin/ldapservers', '/admin/ldapservers/1', '/admin/export']) {
          const response = await target.fetch(path, { headers: { Authorization: `Bearer ${target.adminToken}` } })
          expect(await response.text()).not.toContain('s3cret-pw')
        }
      })

      it('keeps the password on PUT without bind_password, and removes it with null', async () => {
        await admin('POST', '/admin/ldapservers', LDAP)
        const kept = await admin('PUT', '/admin/ldapservers/1', { ...LDAP, bind_password: undefined, port: 389 })
        expect(kept.body).toMatchObject({ port: 389, use_ssl: false, has_bind_password: true })
        expect(await storedPassword()).toBe('s3cret-pw')
        const cleared = await admin('PUT', '/admin/ldapservers/1', { ...LDAP, bind_password: null })
        expect(cleared.body).toMatchObject({ has_bind_password: false })
        expect(await storedPassword()).toBeNull()
      })

      it('refuses a filter without {0}, naming the field', async () => {
        const response = await admin('POST', '/admin/ldapservers', { ...LDAP, search_filter: '(mail=*)' })
        expect(response.status).toBe(400)
        expect(response.body.problems).toContainEqual({ path: 'search_filter', message: 'must contain the placeholder {0}' })
      })

      it('refuses to delete an LDAP server that domains use (409), then deletes it once unused', async () => {
        await admin('POST', '/admin/ldapservers', LDAP)
        await admin('POST', '/admin/providers', { name: 'Acme' })
        await admin('POST', '/admin/domains', { name: 'acme.example', provider_id: 1, ldapserver_id: 1 })
        expect((await admin('GET', '/admin/ldapservers/1')).body.domains).toEqual(['acme.example'])
        const refused = await admin('DELETE', '/admin/ldapservers/1')
        expect(refused.status).toBe(409)
        expect(refused.body.error).toContain('used by acme.example')
        await admin('PUT', '/admin/domains/acme.example', { name: 'acme.example', provider_id: 1, ldapserver_id: null })
        expect((await admin('DELETE', '/admin/ldapservers/1')).status).toBe(200)
        expect((await tableContents(target)).ldapserver).toEqual([])
      })

      it('answers 404 for an unknown LDAP server', async () => {
        expect(await admin('PUT', '/admin/ldapservers/3', LDAP)).toEqual({ status: 404, body: { error: 'no LDAP server 3' } })
      })
    })
  })
}
