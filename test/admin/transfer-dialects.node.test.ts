/**
 * Export and import across dialects: a database built on PostgreSQL, exported, imported into a
 * libsql (SQLite) file and into MariaDB, exports the same document back from each, and each
 * serves the same Autoconfig answer. (D1 is SQLite as libsql is; its own round trip runs in the
 * transfer suite on the workerd target.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { adminHeaders, seed } from '../support/target'

const request = (target: NodeTarget, method: string, path: string, body?: unknown) =>
  target.fetch(path, { method, headers: { ...adminHeaders(target), 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

const exported = async (target: NodeTarget) => (await request(target, 'GET', '/admin/export?include_secrets=true')).json()
const autoconfig = async (target: NodeTarget) => (await target.fetch('/mail/config-v1.1.xml?emailaddress=jane%40example.net')).text()

describe('export from PostgreSQL, import into SQLite and MariaDB', () => {
  let source: NodeTarget
  let targets: NodeTarget[]

  beforeAll(async () => {
    ;[source, ...targets] = await Promise.all([startNodeTarget({}, { database: 'postgresql' }), startNodeTarget(), startNodeTarget({}, { database: 'mysql' })])
    expect((await seed(source, sample)).status).toBe(200)
    const ldap = (await (await request(source, 'POST', '/admin/ldapservers', { name: 'ldap.example.net', search_base: 'dc=example,dc=net', bind_user: 'cn=reader', bind_password: 'Reader-Secret' })).json()) as { id: number }
    expect((await request(source, 'POST', '/admin/domains', { name: 'example.info', provider_id: 1, ldapserver_id: ldap.id })).status).toBe(201)
    expect((await request(source, 'PUT', '/admin/domains/example.net/activesync', { url: 'https://eas.example.net/Microsoft-Server-ActiveSync' })).status).toBe(200)
    expect((await request(source, 'PUT', '/admin/providers/1', { name: 'Example Inc.', logo_url: 'https://cdn.example.com/logo.png', support_email: 'help@example.com' })).status).toBe(200)
  })
  afterAll(() => Promise.all([source, ...targets].map((t) => t.stop())))

  it('round-trips to an identical export and the same Autoconfig answer on every dialect', async () => {
    const document = await exported(source)
    const answer = await autoconfig(source)
    expect(answer).toContain('<emailProvider id="example.com">')
    for (const target of targets) {
      const imported = await request(target, 'POST', '/admin/import', document)
      expect(imported.status, target.name).toBe(200)
      expect(await exported(target), target.name).toEqual(document)
      expect(await autoconfig(target), target.name).toBe(answer)
    }
  })
})
