/**
 * Structural checks of Microsoft Autodiscover answers against the client rules of docs/clients.md:
 * the POX settings document (§2.3, read as Outlook and Thunderbird read it, §2.6) and the v2 JSON
 * answer for `Protocol=AutodiscoverV1` (§2.9). Each returns the problems found; an empty list means
 * every rule holds. The tests run them on what the routes answer; `mailconf doctor` on what a live
 * server answers.
 */
import { XMLParser } from 'fast-xml-parser'

type Node = Record<string, unknown>

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  processEntities: true,
  isArray: (name) => name === 'Protocol',
})

const AUTODISCOVER_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'
// §2.3: the mail types, always in capitals, and eM Client's DAV entries; never the Exchange types.
const MAIL_TYPES = ['IMAP', 'POP3', 'SMTP']
const DAV_TYPES = ['CalDAV', 'CardDAV']
const EXCHANGE_TYPES = ['EXCH', 'EXPR', 'EXHTTP', 'WEB']
const ON_OFF = ['on', 'off']
const ENCRYPTIONS = ['None', 'SSL', 'TLS', 'Auto']
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*$/i

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The §2.5 error inside Response (Exchange, MS-ASCMD) or inside Account (the POX reference pages). */
function errorOf(response: Node): Node | undefined {
  const account = response.Account
  if (isNode(response.Error)) return response.Error
  if (isNode(account) && isNode(account.Error)) return account.Error
  return undefined
}

function protocolProblems(where: string, protocol: Node): string[] {
  const problems: string[] = []
  const type = textOf(protocol.Type)
  if (type === undefined) return [`§2.3: ${where} has no Type`]
  if (EXCHANGE_TYPES.includes(type)) return [`§2.3: ${where} has the Exchange type ${type}, which only Exchange servers may send`]
  if (DAV_TYPES.includes(type)) {
    const url = textOf(protocol.Server) ?? ''
    if (!/^https?:\/\//.test(url)) problems.push(`§2.3: ${where} (${type}) needs a URL in Server, not "${url}"`)
    return problems
  }
  if (!MAIL_TYPES.includes(type)) return [`§2.6: ${where} has Type "${type}", which Thunderbird skips (IMAP, POP3, SMTP in capitals)`]
  const server = textOf(protocol.Server)
  if (server === undefined || !HOSTNAME.test(server)) problems.push(`§2.3: ${where} Server "${server ?? ''}" is not a host name`)
  const port = Number(textOf(protocol.Port))
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`§2.3: ${where} Port "${textOf(protocol.Port) ?? ''}" is not 1–65535`)
  // §2.6: an empty LoginName makes Thunderbird drop the entry.
  if (protocol.LoginName !== undefined && (textOf(protocol.LoginName) ?? '') === '') problems.push(`§2.6: ${where} has an empty LoginName`)
  // §2.3: SPA defaults to on when absent, which Thunderbird turns into NTLM/Kerberos.
  if (textOf(protocol.SPA) !== 'off') problems.push(`§2.3: ${where} must say <SPA>off</SPA> (absent means on)`)
  const ssl = textOf(protocol.SSL)
  if (ssl !== undefined && !ON_OFF.includes(ssl)) problems.push(`§2.3: ${where} SSL "${ssl}" is neither on nor off`)
  const encryption = textOf(protocol.Encryption)
  if (encryption !== undefined && !ENCRYPTIONS.includes(encryption)) problems.push(`§2.3: ${where} Encryption "${encryption}" is not None, SSL, TLS or Auto`)
  // §2.3, §2.6: STARTTLS must keep SSL on, or Thunderbird connects in plain text.
  if (encryption === 'TLS' && ssl === 'off') problems.push(`§2.6: ${where} says Encryption TLS with SSL off: Thunderbird would connect without TLS`)
  return problems
}

/** Checks a POX (Outlook schema) answer: a settings document, not an error or a redirect. */
export function validateAutodiscoverPox(document: string): string[] {
  // §2.6: Thunderbird keys elements by their name as written, prefix included.
  if (/<\/?[A-Za-z][\w.-]*:[A-Za-z]/.test(document)) return ['§2.6: element names must not carry a namespace prefix']
  let parsed: Node
  try {
    parsed = parser.parse(document, true) as Node
  } catch (error) {
    return [`not well-formed XML: ${String(error)}`]
  }
  const root = parsed.Autodiscover
  if (!isNode(root)) return ['§2.3: the root element must be <Autodiscover>']
  const problems: string[] = []
  if (textOf(root['@xmlns']) !== AUTODISCOVER_RESPONSE_NS) problems.push(`§2.3: <Autodiscover> must be in ${AUTODISCOVER_RESPONSE_NS}`)
  const response = root.Response
  if (!isNode(response)) return [...problems, '§2.3: no Autodiscover > Response']
  const error = errorOf(response)
  if (error) return [...problems, `§2.5: an error document: ErrorCode ${textOf(error.ErrorCode) ?? '?'} (${textOf(error.Message) ?? 'no message'})`]
  // MS-OXDSCLI 3.2.5: a success carries both User and Account.
  if (!isNode(response.User)) problems.push('§2.1: a success must contain <User>')
  const account = response.Account
  if (!isNode(account)) return [...problems, '§2.1: a success must contain <Account>']
  if (textOf(account.AccountType) !== 'email') problems.push(`§2.3: AccountType must be "email", not "${textOf(account.AccountType) ?? ''}"`)
  const action = textOf(account.Action)
  if (action !== 'settings') return [...problems, `§2.3: Action is "${action ?? ''}", not settings: no settings for this address`]
  const protocols = ((account.Protocol as unknown[] | undefined) ?? []).filter(isNode)
  if (protocols.length === 0) return [...problems, '§2.6: no Autodiscover > Response > Account > Protocol']
  protocols.forEach((protocol, i) => problems.push(...protocolProblems(`Protocol[${i}]`, protocol)))
  // §2.6: without an incoming entry Thunderbird treats the answer as incomplete.
  if (!protocols.some((p) => ['IMAP', 'POP3'].includes(textOf(p.Type) ?? ''))) problems.push('§2.6: no IMAP or POP3 Protocol: Thunderbird finds no incoming server')
  return problems
}

/** Checks a v2 JSON answer to `Protocol=AutodiscoverV1`: a pointer to an https POX URL (§2.9). */
export function validateAutodiscoverV2(body: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch (error) {
    return [`not JSON: ${String(error)}`]
  }
  if (!isNode(parsed)) return ['§2.9: the answer must be a JSON object']
  if (textOf(parsed.ErrorCode) !== undefined) return [`§2.9: an error: ${textOf(parsed.ErrorCode)} (${textOf(parsed.ErrorMessage) ?? 'no message'})`]
  const problems: string[] = []
  if (parsed.Protocol !== 'AutodiscoverV1') problems.push(`§2.9: Protocol must be "AutodiscoverV1", not ${JSON.stringify(parsed.Protocol)}`)
  const url = textOf(parsed.Url)
  if (url === undefined || !URL.canParse(url)) return [...problems, '§2.9: Url must be a URL']
  const parsedUrl = new URL(url)
  if (parsedUrl.protocol !== 'https:') problems.push(`§2.9: Url must be https, not ${parsedUrl.protocol}`)
  if (parsedUrl.pathname.toLowerCase() !== '/autodiscover/autodiscover.xml') problems.push(`§2.9: Url must name /autodiscover/autodiscover.xml, not ${parsedUrl.pathname}`)
  return problems
}
