/**
 * Every PACC document this service writes validates against the JSON Schema written from the draft
 * (pacc.schema.json beside this file, docs/clients.md §4.7), and the schema is not a rubber stamp:
 * documents breaking each of its rules fail it. Node only: Ajv compiles schemas to code, which
 * workerd does not allow.
 */
import Ajv from 'ajv'
import { describe, expect, it } from 'vitest'
import type { DomainConfig } from '../../../src/core/model'
import { renderPacc } from '../../../src/protocols/pacc/render'
import { aDavServer, aDomainConfig, anAccount, aProvider, aServer, aUrlServer } from '../../support/build'
import schema from './pacc.schema.json'
import { SERVED_FOR_DRAFT_SEED } from './served'

const validate = new Ajv({ allErrors: true }).compile(schema)
const OAUTH2 = { issuer: 'https://login.example.net', scope: null, authUrl: null, tokenUrl: null, clientId: null, password: true }

describe('the PACC JSON Schema', () => {
  it.each<[string, Partial<DomainConfig>]>([
    ['IMAP and submission', {}],
    ['POP3, DAV, JMAP, WebDAV, OAuth2 and documentation', {
      provider: aProvider({ oauth2: OAUTH2, documentation: { url: 'https://help.example.net/', description: null }, name: 'A'.repeat(60), shortName: 'B'.repeat(20) }),
      servers: [aServer(), aServer({ type: 'pop', port: 995 }), aServer({ type: 'smtp', port: 465 })],
      davServers: [aDavServer(), aDavServer({ type: 'carddav', url: 'https://dav.example.net/card/%EMAILADDRESS%/' })],
      urlServers: [aUrlServer(), aUrlServer({ type: 'webdav', url: 'https://files.example.net/' })],
    }],
    ['OAuth2 only', { provider: aProvider({ oauth2: { ...OAUTH2, password: false } }), servers: [aServer({ authentication: 'OAuth2' }), aServer({ type: 'smtp', port: 465, authentication: 'OAuth2' })] }],
    ['JMAP alone', { servers: [], urlServers: [aUrlServer()] }],
    ['a percent-encoded URL path', { urlServers: [aUrlServer({ type: 'webdav', url: 'https://files.example.net/a b/ü/' })] }],
  ])('accepts what the service writes: %s', (_case, overrides) => {
    const body = renderPacc(anAccount(aDomainConfig(overrides)))
    if (!body.ok) throw new Error(body.error.join('; '))
    expect(validate(JSON.parse(body.value)), JSON.stringify(validate.errors)).toBe(true)
  })

  // The body the service serves for the seed the route suite uses (test/protocols/pacc/route.suite.ts).
  it('accepts the document served for the route suite\'s seed', () => {
    expect(validate(JSON.parse(SERVED_FOR_DRAFT_SEED)), JSON.stringify(validate.errors)).toBe(true)
  })

  const good = { protocols: { imap: { host: 'imap.example.net' } }, authentication: { password: true }, info: { provider: { name: 'Example', shortName: 'Ex' } } }
  it.each<[string, unknown]>([
    ['a port on a host entry', { ...good, protocols: { imap: { host: 'imap.example.net', port: 143 } } }],
    ['a URL with a port', { ...good, protocols: { ...good.protocols, caldav: { url: 'https://dav.example.net:8443/' } } }],
    ['a URL with a placeholder', { ...good, protocols: { ...good.protocols, jmap: { url: 'https://jmap.example.net/%EMAILADDRESS%' } } }],
    ['an http URL', { ...good, protocols: { ...good.protocols, webdav: { url: 'http://files.example.net/' } } }],
    ['no incoming protocol', { ...good, protocols: { submit: { host: 'smtp.example.net' } } }],
    ['no way to log in', { ...good, authentication: { password: false } }],
    ['a name over 60 characters', { ...good, info: { provider: { name: 'A'.repeat(61), shortName: 'Ex' } } }],
    ['a short name over 20 characters', { ...good, info: { provider: { name: 'Example', shortName: 'B'.repeat(21) } } }],
    ['a member the draft does not define', { ...good, protocols: { ...good.protocols, managesieve: { host: 'sieve.example.net' } } }],
  ])('rejects %s', (_case, document) => {
    expect(validate(document)).toBe(false)
  })
})
