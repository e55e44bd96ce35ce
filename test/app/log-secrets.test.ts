/**
 * Issue 9, secrets in logs: one run that sends every kind of secret the service meets, at
 * LOG_LEVEL=debug, with every console line captured; none of the secrets may appear in any line,
 * neither as sent nor percent- or base64-encoded.
 */
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import worker from '../../src/worker'
import { captureConsole } from '../support/capture-console'
import { ldapSeed, READER_PASSWORD } from '../support/ldap-fixture'
import { resetDatabase } from '../support/worker'

afterEach(() => vi.restoreAllMocks())

const SECRETS = {
  profileOptedIn: 'Pw-profile-optin-7f3a',
  profileNotOptedIn: 'Pw-profile-off-19c2',
  profilePosted: 'Pw-profile-post-88d1',
  profilePlainHttp: 'Pw-profile-http-5e0b',
  basicAuth: 'Pw-basic-auth-c4d7',
  poxBody: 'Pw-pox-body-2b9e',
  v2Auth: 'Pw-v2-auth-e1a5',
  wrongToken: 'Tok-wrong-guess-6a1f',
  queryToken: 'Tok-in-query-0d3c',
  adminBodyBind: 'Bind-admin-post-9e27',
  wrongBind: 'Bind-wrong-put-47b0',
  seedBind: READER_PASSWORD,
  adminToken: env.ADMIN_TOKEN,
}
const BASIC = btoa(`alice@example.com:${SECRETS.basicAuth}`)

/** Each secret as it may travel: raw, percent-encoded, base64 (alone and as Basic credentials). */
const forbidden = () => [
  ...Object.values(SECRETS).flatMap((s) => [s, encodeURIComponent(s), btoa(s)]),
  BASIC,
]

describe('secrets never reach the log', () => {
  it('a run with passwords, tokens and bind passwords everywhere logs none of them', async () => {
    await resetDatabase()
    const lines = captureConsole()
    const debug = { ...env, LOG_LEVEL: 'debug' }
    const optedIn = { ...debug, PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' }
    const send = async (url: string, init: RequestInit = {}, bindings = debug) => worker.fetch(new Request(url, init), bindings)
    const admin = (method: string, path: string, body?: unknown, token = env.ADMIN_TOKEN) =>
      send(`https://admin.example${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const statuses: Record<string, number> = {}
    const note = async (name: string, response: Promise<Response>) => {
      const answer = await response
      statuses[name] = answer.status
      await answer.arrayBuffer()
    }

    // Seeding with a bind password (example.com uses the fixture directory; plain.example none).
    await note('seed', admin('POST', '/initdb/', ldapSeed()))
    // Admin tokens: wrong, in the query string, right.
    await note('wrong token', admin('GET', '/admin/providers', undefined, SECRETS.wrongToken))
    await note('query token', send(`https://admin.example/admin/providers?token=${SECRETS.queryToken}`))
    await note('export', admin('GET', '/admin/export?include_secrets=true'))
    // Apple profiles: password with the opt-in off, on (GET and POST over https), on over plain http.
    await note('profile off', send(`https://autoconfig.example.com/mobileconfig?emailaddress=anna%40plain.example&password=${SECRETS.profileNotOptedIn}`))
    await note('profile on', send(`https://autoconfig.example.com/mobileconfig?emailaddress=john.doe%40example.com&password=${SECRETS.profileOptedIn}`, {}, optedIn))
    await note('profile post', send('https://autoconfig.example.com/email.mobileconfig', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ emailaddress: 'anna@plain.example', name: 'Anna', password: SECRETS.profilePosted }).toString(),
    }, optedIn))
    await note('profile http', send(`http://mail.example.net/mobileconfig?emailaddress=anna%40plain.example&password=${SECRETS.profilePlainHttp}`, {}, optedIn))
    // Autodiscover: Basic auth with the real password, and a password-like element in the body.
    const pox = `<Autodiscover><Request><EMailAddress>john.doe@example.com</EMailAddress><Password>${SECRETS.poxBody}</Password></Request></Autodiscover>`
    await note('pox', send('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', headers: { Authorization: `Basic ${BASIC}` }, body: pox }))
    await note('pox unreadable', send('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', headers: { Authorization: `Basic ${BASIC}` }, body: `<Password>${SECRETS.poxBody}` }))
    await note('v2', send(`https://autodiscover.example.com/autodiscover/autodiscover.json/v1.0/john.doe@example.com?Protocol=AutodiscoverV1`, { headers: { Authorization: `Bearer ${SECRETS.v2Auth}` } }))
    // LDAP bind passwords in admin bodies; then a wrong one, which makes the directory refuse the bind.
    await note('ldap post', admin('POST', '/admin/ldapservers', { name: 'ldap.unused.example', search_base: 'dc=x', bind_user: 'cn=x', bind_password: SECRETS.adminBodyBind }))
    const directory = ldapSeed().ldapservers[0] as Record<string, unknown>
    const { id: _id, ...entry } = directory
    await note('ldap put', admin('PUT', '/admin/ldapservers/1', { ...entry, bind_password: SECRETS.wrongBind }))
    await note('autoconfig wrong bind', send('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=john.doe%40example.com'))
    await note('pox wrong bind', send('https://autodiscover.example.com/autodiscover/autodiscover.xml', { method: 'POST', headers: { Authorization: `Basic ${BASIC}` }, body: pox }))

    // The run did what it claims: every kind of outcome happened and was logged.
    expect(statuses).toEqual({
      seed: 200, 'wrong token': 401, 'query token': 401, export: 200,
      'profile off': 200, 'profile on': 200, 'profile post': 200, 'profile http': 400,
      pox: 200, 'pox unreadable': 200, v2: 200,
      'ldap post': 201, 'ldap put': 200, 'autoconfig wrong bind': 503, 'pox wrong bind': 503,
    })
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(records.filter((r) => r.msg === 'request')).toHaveLength(Object.keys(statuses).length)
    expect(records).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'password ignored: PERMIT_CLEARTEXT_PASSWORDS is not enabled' }))
    expect(records.filter((r) => r.level === 'error' && JSON.stringify(r).includes('bind'))).toHaveLength(2)

    const log = lines.join('\n')
    for (const secret of forbidden()) expect(log, `a secret in the log: ${secret}`).not.toContain(secret)
    expect(log).not.toMatch(/Basic |Bearer |password=/i)
  })
})
