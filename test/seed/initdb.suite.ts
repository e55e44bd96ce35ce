/**
 * automx2-compatible seeding (/initdb/) through the whole service, on any storage driver
 * (test/support/target.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { writeSeed } from '../../src/seed/write'
import { parseSeed } from '../../src/seed/format'
import { TABLE_NAMES } from '../../src/db/tables'
import { adminHeaders, seed, tableCounts, type ProtocolTarget } from '../support/target'

export function describeInitdb(target: ProtocolTarget): void {
  describe(`/initdb/ on ${target.name}`, () => {
    // Every table of the schema (src/db/tables.ts), ActiveSync included.
    const EMPTY = Object.fromEntries(TABLE_NAMES.map((table) => [table, 0]))

    const VALID = {
      version: 2,
      provider: 'Acme Mail',
      domains: [{ name: 'acme.example', ldapserver_id: 5 }, { name: 'acme.test' }],
      ldapservers: [{ id: 5, name: 'ldap.acme.example', search_base: 'dc=acme', bind_user: 'cn=r', bind_password: 'pw' }],
      servers: [
        { type: 'imap', name: 'imap.acme.example' },
        { type: 'smtp', name: 'smtp.acme.example', port: 587 },
        { type: 'carddav', url: 'https://dav.acme.example/' },
      ],
    }

    beforeEach(() => target.reset())

    describe('admin authentication of /initdb/', () => {
      it.each(['GET', 'POST', 'DELETE'])('%s without a token is 401 with WWW-Authenticate: Bearer', async (method) => {
        const response = await target.fetch('/initdb/', { method })
        expect(response.status).toBe(401)
        expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/)
        expect(await tableCounts(target)).toEqual(EMPTY)
      })

      it.each([
        ['a wrong token', { Authorization: 'Bearer wrong' }],
        ['a token prefix', { Authorization: `Bearer ${target.adminToken.slice(0, -1)}` }],
        ['Basic auth', { Authorization: `Basic ${btoa(`admin:${target.adminToken}`)}` }],
      ])('refuses %s', async (_case, headers) => {
        const response = await target.fetch('/initdb/', { headers })
        expect(response.status).toBe(401)
      })

      it('refuses the token in the query string', async () => {
        const response = await target.fetch(`/initdb/?token=${target.adminToken}`)
        expect(response.status).toBe(401)
      })

      it('answers 404 on every admin route when no ADMIN_TOKEN is configured', async () => {
        const withoutToken = await target.withSettings({ ADMIN_TOKEN: undefined })
        for (const method of ['GET', 'POST', 'DELETE']) {
          const response = await withoutToken.fetch('https://x.example/initdb/', { method, headers: adminHeaders(target) })
          expect(response.status).toBe(404)
        }
        expect(await tableCounts(target)).toEqual(EMPTY)
      })

    })

    describe('GET /initdb/', () => {
      it.each(['/initdb/', '/initdb'])('loads the sample data into an empty database (%s)', async (path) => {
        const response = await target.fetch(path, { headers: adminHeaders(target) })
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ written: { providers: 1, domains: 3, servers: 4, davservers: 2, urlservers: 0, sieveservers: 0, ldapservers: 0 } })
        expect(await tableCounts(target)).toMatchObject({ provider: 1, domain: 3, server: 4, server_domain: 12, davserver: 2, davserver_domain: 6 })
      })

      it('answers 409 and changes nothing when providers exist', async () => {
        await target.fetch('/initdb/', { headers: adminHeaders(target) })
        const before = await tableCounts(target)
        const response = await target.fetch('/initdb/', { headers: adminHeaders(target) })
        expect(response.status).toBe(409)
        expect((await response.json()) as object).toHaveProperty('error', expect.stringContaining('already holds 1 provider'))
        expect(await tableCounts(target)).toEqual(before)
      })
    })

    describe('POST /initdb/', () => {
      it('loads a version 2 document and links every server to every domain', async () => {
        const response = await seed(target, VALID)
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ written: { providers: 1, domains: 2, servers: 2, davservers: 1, urlservers: 0, sieveservers: 0, ldapservers: 1 } })
        expect(await tableCounts(target)).toEqual({ provider: 1, domain: 2, server: 2, server_domain: 4, davserver: 1, davserver_domain: 2, ldapserver: 1, activesync: 0, urlserver: 0, urlserver_domain: 0, sieveserver: 0, sieveserver_domain: 0 })
        const [row] = await target.query('SELECT ldapserver_id FROM domain WHERE name = ?', 'acme.example')
        expect(row?.ldapserver_id).toBe(5)
      })

      it('answers 409 when providers exist', async () => {
        await seed(target, VALID)
        const response = await seed(target, { ...VALID, domains: ['other.example'], ldapservers: [] })
        expect(response.status).toBe(409)
        expect(await tableCounts(target)).toMatchObject({ provider: 1, domain: 2 })
      })

      it.each([
        ['malformed JSON', '{"version": 2,', 400, 'not valid JSON'],
        ['not JSON at all', 'provider=Example', 400, 'not valid JSON'],
        ['a JSON array', '[]', 400, 'JSON object'],
        ['a wrong version', JSON.stringify({ ...VALID, version: 7 }), 400, 'unsupported version'],
        ['an unknown server type', JSON.stringify({ ...VALID, servers: [{ type: 'nntp', name: 'news.example' }] }), 400, 'unknown server type'],
        ['an unknown ldapserver_id', JSON.stringify({ ...VALID, ldapservers: [] }), 400, 'unknown ldapserver_id 5'],
      ])('refuses %s with 400 naming the problem and writes nothing', async (_case, body, status, message) => {
        const response = await target.fetch('/initdb/', { method: 'POST', headers: { ...adminHeaders(target), 'Content-Type': 'application/json' }, body })
        expect(response.status).toBe(status)
        expect(JSON.stringify(await response.json())).toContain(message)
        expect(await tableCounts(target)).toEqual(EMPTY)
      })

      it('lists every problem with its field path', async () => {
        const response = await seed(target, { version: 2, provider: '', domains: ['ok.example', 'bad domain'], servers: [{ type: 'imap', name: 'x.example', port: 0 }] })
        expect(response.status).toBe(400)
        const body = (await response.json()) as { problems: { path: string }[] }
        expect(body.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['provider', 'domains[1]', 'servers[0].port']))
      })

      // All-or-nothing: a failure late in the batch (the second domain is already stored, so its
      // insert violates the unique index) rolls back the LDAP server, provider and first domain.
      it('writes nothing when the batch fails halfway', async () => {
        await target.query("INSERT INTO provider (id, name, short_name) VALUES (900, 'Other', 'Other')")
        await target.query("INSERT INTO domain (id, name, provider_id) VALUES (900, 'acme.test', 900)")
        const before = await tableCounts(target)
        const plan = parseSeed(VALID)
        if (!plan.ok) throw new Error('fixture must be valid')
        const result = await writeSeed(target.db, plan.value)
        expect(result).toEqual({ ok: false, error: 'conflict' })
        expect(await tableCounts(target)).toEqual(before)
      })

      it('answers 413 for a body over 5 MiB', async () => {
        const body = JSON.stringify({ ...VALID, padding: 'x'.repeat(5 * 1024 * 1024) })
        const response = await target.fetch('/initdb/', { method: 'POST', headers: adminHeaders(target), body })
        expect(response.status).toBe(413)
        expect(await tableCounts(target)).toEqual(EMPTY)
      })
    })

    describe('DELETE /initdb/', () => {
      it('purges all data', async () => {
        await seed(target, VALID)
        const response = await target.fetch('/initdb/', { method: 'DELETE', headers: adminHeaders(target) })
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ deleted: { providers: 1, domains: 2 } })
        expect(await tableCounts(target)).toEqual(EMPTY)
      })
    })
  })
}
