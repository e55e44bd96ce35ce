import { describe, expect, it } from 'vitest'
import { validateAutodiscoverPox, validateAutodiscoverV2 } from '../../src/client-rules/autodiscover'

const IMAP = '<Type>IMAP</Type><Server>imap.example.net</Server><Port>993</Port><LoginName>bo@example.net</LoginName><SPA>off</SPA><SSL>on</SSL><Encryption>SSL</Encryption>'
const SMTP = '<Type>SMTP</Type><Server>smtp.example.net</Server><Port>587</Port><SPA>off</SPA><SSL>on</SSL><Encryption>TLS</Encryption>'
const protocol = (fields: string) => `<Protocol>${fields}</Protocol>`
const account = (body: string, action = 'settings') => `<Account><AccountType>email</AccountType><Action>${action}</Action>${body}</Account>`
const pox = (response: string, ns = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006') =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${ns}"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">${response}</Response></Autodiscover>`
const USER = '<User><DisplayName>Bo</DisplayName></User>'
const GOOD = pox(USER + account(protocol(IMAP) + protocol(SMTP)))

// One broken document per rule: the checks are only worth something if each one fires.
describe('validateAutodiscoverPox', () => {
  it('accepts a settings document with IMAP, SMTP and a CalDAV entry', () => {
    expect(validateAutodiscoverPox(GOOD)).toEqual([])
    const dav = protocol('<Type>CalDAV</Type><Server>https://dav.example.net/cal/bo/</Server><SPA>off</SPA>')
    expect(validateAutodiscoverPox(pox(USER + account(protocol(IMAP) + dav)))).toEqual([])
  })

  it.each([
    ['§2.6 prefix', GOOD.replace(/<(\/?)Response/g, '<$1a:Response'), 'namespace prefix'],
    ['not XML', '<Autodiscover><Response>', 'not well-formed'],
    ['§2.3 root', '<?xml version="1.0"?><Other/>', 'root element'],
    ['§2.3 namespace', pox(USER + account(protocol(IMAP)), 'urn:other'), 'must be in'],
    ['§2.5 error document', pox('<Error Time="1" Id="2"><ErrorCode>500</ErrorCode><Message>no mailbox</Message></Error>'), 'ErrorCode 500 (no mailbox)'],
    ['§2.5 error inside Account', pox(`${USER}<Account><Error><ErrorCode>603</ErrorCode></Error></Account>`), 'ErrorCode 603'],
    ['§2.1 User', pox(account(protocol(IMAP))), 'contain <User>'],
    ['§2.1 Account', pox(USER), 'contain <Account>'],
    ['§2.3 AccountType', pox(USER + account(protocol(IMAP)).replace('email', 'mobile')), 'AccountType'],
    ['§2.3 Action', pox(USER + account('<RedirectAddr>x@example.org</RedirectAddr>', 'redirectAddr')), 'not settings'],
    ['§2.6 no Protocol', pox(USER + account('')), 'no Autodiscover > Response > Account > Protocol'],
    ['§2.3 Exchange type', pox(USER + account(protocol('<Type>EXCH</Type><Server>x</Server>') + protocol(IMAP))), 'Exchange type EXCH'],
    ['§2.6 lower-case type', pox(USER + account(protocol(IMAP.replace('IMAP', 'imap')))), 'Type "imap"'],
    ['§2.3 Server', pox(USER + account(protocol(IMAP.replace('imap.example.net', 'https://imap.example.net/')))), 'not a host name'],
    ['§2.3 Port', pox(USER + account(protocol(IMAP.replace('993', '99999')))), 'Port "99999"'],
    ['§2.6 empty LoginName', pox(USER + account(protocol(IMAP.replace('bo@example.net', '')))), 'empty LoginName'],
    ['§2.3 SPA absent', pox(USER + account(protocol(IMAP.replace('<SPA>off</SPA>', '')))), 'SPA'],
    ['§2.3 SSL value', pox(USER + account(protocol(IMAP.replace('<SSL>on</SSL>', '<SSL>yes</SSL>')))), 'neither on nor off'],
    ['§2.3 Encryption value', pox(USER + account(protocol(IMAP.replace('<Encryption>SSL</Encryption>', '<Encryption>STARTTLS</Encryption>')))), 'Encryption "STARTTLS"'],
    ['§2.6 STARTTLS with SSL off', pox(USER + account(protocol(IMAP) + protocol(SMTP.replace('<SSL>on</SSL>', '<SSL>off</SSL>')))), 'without TLS'],
    ['§2.3 DAV without a URL', pox(USER + account(protocol(IMAP) + protocol('<Type>CardDAV</Type><Server>dav.example.net</Server>'))), 'needs a URL'],
    ['§2.6 no incoming entry', pox(USER + account(protocol(SMTP))), 'no IMAP or POP3'],
  ])('flags %s', (_rule, document, problem) => {
    expect(validateAutodiscoverPox(document).join('\n')).toContain(problem)
  })
})

describe('validateAutodiscoverV2', () => {
  it('accepts the AutodiscoverV1 pointer', () => {
    expect(validateAutodiscoverV2('{"Protocol":"AutodiscoverV1","Url":"https://autodiscover.example.net/autodiscover/autodiscover.xml"}')).toEqual([])
  })

  it.each([
    ['not JSON', '<html>', 'not JSON'],
    ['an array', '[]', 'JSON object'],
    ['an error', '{"ErrorCode":"NotFound","ErrorMessage":"no mail configuration for example.net"}', 'NotFound (no mail configuration'],
    ['another protocol', '{"Protocol":"ActiveSync","Url":"https://eas.example.net/autodiscover/autodiscover.xml"}', 'Protocol must be'],
    ['no URL', '{"Protocol":"AutodiscoverV1","Url":"here"}', 'must be a URL'],
    ['http', '{"Protocol":"AutodiscoverV1","Url":"http://a.example.net/autodiscover/autodiscover.xml"}', 'must be https'],
    ['another path', '{"Protocol":"AutodiscoverV1","Url":"https://a.example.net/ews/exchange.asmx"}', 'must name /autodiscover/autodiscover.xml'],
  ])('flags %s', (_case, body, problem) => {
    expect(validateAutodiscoverV2(body).join('\n')).toContain(problem)
  })
})
