import { describe, expect, it } from 'vitest'
import { validateAutoconfig } from '../../src/client-rules/autoconfig'

const server = (element: string, type: string, fields: string) =>
  `<${element} type="${type}">${fields}</${element}>`
const FIELDS = (socket = 'SSL', auth = 'password-cleartext', username = '<username>%EMAILADDRESS%</username>') =>
  `<hostname>mail.example.net</hostname><port>993</port><socketType>${socket}</socketType>${username}<authentication>${auth}</authentication>`
const doc = (provider: string, body: string, id = 'example.net') =>
  `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="${id}">${provider}${body}</emailProvider></clientConfig>`
const DOMAIN = '<domain>example.net</domain>'
const GOOD = doc(DOMAIN, server('incomingServer', 'imap', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()))

// The validator is only worth something if it catches each rule; one broken document per rule.
describe('validateAutoconfig', () => {
  it('accepts the minimal valid document', () => {
    expect(validateAutoconfig(GOOD)).toEqual([])
  })

  it.each([
    ['§1.5', 'an id that is not a host name', doc(DOMAIN, server('incomingServer', 'imap', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()), 'My ISP')],
    ['§1.5', 'no domain', doc('', server('incomingServer', 'imap', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.5', 'no incoming server', doc(DOMAIN, server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.5', 'no outgoing server', doc(DOMAIN, server('incomingServer', 'imap', FIELDS()))],
    ['§1.6', 'a plain imap entry', doc(DOMAIN, server('incomingServer', 'imap', FIELDS('plain')) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.6', 'an auth Thunderbird for Android does not know', doc(DOMAIN, server('incomingServer', 'imap', FIELDS('SSL', 'plain')) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.4', 'a padded value', doc(DOMAIN, server('incomingServer', 'imap', FIELDS(' SSL')) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§5.9', 'an empty element', doc(DOMAIN, server('incomingServer', 'imap', FIELDS('SSL', 'password-cleartext', '<username/>')) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.5', 'a missing username', doc(DOMAIN, server('incomingServer', 'imap', FIELDS('SSL', 'password-cleartext', '')) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.5', 'an unknown incoming type', doc(DOMAIN, server('incomingServer', 'matrix', FIELDS()) + server('incomingServer', 'imap', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.8', 'a version 1.2 incoming type without its URL', doc(DOMAIN, server('incomingServer', 'jmap', FIELDS()) + server('incomingServer', 'imap', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()))],
    ['§1.6', 'an <oAuth2> inside emailProvider without its endpoints', doc(DOMAIN, server('incomingServer', 'imap', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()) + '<oAuth2><issuer>login.example.net</issuer></oAuth2>')],
    ['§1.3', 'a namespace prefix', GOOD.replace('<clientConfig version="1.1">', '<x:clientConfig xmlns:x="urn:x" version="1.1">').replace('</clientConfig>', '</x:clientConfig>')],
  ])('flags %s: %s', (section, _what, document) => {
    const problems = validateAutoconfig(document)
    expect(problems.some((p) => p.startsWith(section))).toBe(true)
  })

  it('skips the Thunderbird for Android rules when asked', () => {
    const popOnly = doc(DOMAIN, server('incomingServer', 'pop3', FIELDS()) + server('outgoingServer', 'smtp', FIELDS()))
    expect(validateAutoconfig(popOnly, { thunderbirdAndroid: false })).toEqual([])
    expect(validateAutoconfig(popOnly)).toContain('§1.6: Thunderbird for Android needs an imap incomingServer')
  })
})
