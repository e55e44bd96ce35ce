/**
 * A structural check of an Autoconfig document against the client rules of docs/clients.md §1.5
 * (Thunderbird desktop) and §1.6 (Thunderbird for Android / K-9), plus the value hygiene of §5.9.
 * Returns the problems found; an empty list means every rule holds. The tests run it on every
 * document they produce; `mailconf doctor` on what a live server answers.
 */
import { XMLParser } from 'fast-xml-parser'

type Node = Record<string, unknown>

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name) =>
    ['emailProvider', 'domain', 'incomingServer', 'outgoingServer', 'authentication', 'socketType'].includes(name),
})

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*$/i
const PLACEHOLDER = /%[A-Z]+%/
// §1.5: Thunderbird's incoming server types (graph only behind a pref, so not counted).
const TB_INCOMING_TYPES = ['pop3', 'imap', 'nntp', 'exchange', 'ews', 'owa']
// §1.8: incoming types of version 1.2 that Thunderbird does not take; it skips such an entry (§1.5)
// and Thunderbird for Android skips every type but imap (§1.6), so they cost nothing.
const DRAFT_INCOMING_TYPES = ['jmap', 'activeSync', 'graph']
// §1.4 authentication table, Thunderbird columns. OAuth2 counts only for built-in OAuth hosts,
// which a self-hosted provider never is (§5.11), so it is not counted as usable here.
const TB_INCOMING_AUTH = ['password-cleartext', 'plain', 'password-encrypted', 'secure', 'NTLM', 'GSSAPI']
const TB_OUTGOING_AUTH = [...TB_INCOMING_AUTH, 'client-IP-address', 'smtp-after-pop', 'none']
const TFA_AUTH = ['OAuth2', 'password-cleartext', 'password-encrypted']
const SOCKET_TYPES = ['plain', 'SSL', 'STARTTLS']

export interface ValidatorOptions {
  /** Check the Thunderbird for Android rules too (needs an imap and an smtp entry). Default true. */
  readonly thunderbirdAndroid?: boolean
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export function validateAutoconfig(document: string, options: ValidatorOptions = {}): string[] {
  const problems: string[] = []
  const checkTfa = options.thunderbirdAndroid ?? true

  // §5.9 value hygiene: Thunderbird reads an empty element as `true` and whitespace as NaN.
  for (const match of document.matchAll(/<([A-Za-z][\w.-]*)(\s[^>]*)?\/>|<([A-Za-z][\w.-]*)(\s[^>]*)?>\s*<\/\3>/g)) {
    problems.push(`§5.9: empty element <${match[1] ?? match[3]}>`)
  }
  if (/<\/?[A-Za-z][\w.-]*:[A-Za-z]/.test(document)) problems.push('§1.3: element names must not carry a namespace prefix')

  let parsed: Node
  try {
    parsed = parser.parse(document, true) as Node
  } catch (error) {
    return [...problems, `not well-formed XML: ${String(error)}`]
  }
  const root = parsed.clientConfig as Node | undefined
  if (!root || typeof root !== 'object') return [...problems, '§1.5: the root element must be <clientConfig>']
  const providers = root.emailProvider as Node[] | undefined
  const provider = providers?.[0]
  if (!provider) return [...problems, '§1.5: no clientConfig > emailProvider']

  const id = textOf(provider['@id'])
  if (id === undefined) problems.push('§1.5: emailProvider has no id')
  else if (!HOSTNAME.test(id) && !PLACEHOLDER.test(id)) problems.push(`§1.5: emailProvider id "${id}" is not host-name-like`)
  else if (checkTfa && !HOSTNAME.test(id)) problems.push(`§1.6: Thunderbird for Android needs a host name as id, got "${id}"`)

  const domains = ((provider.domain as unknown[]) ?? []).map(textOf)
  if (!domains.some((d) => d !== undefined && HOSTNAME.test(d))) problems.push('§1.5: no valid <domain>')

  const checkValues = (where: string, server: Node) => {
    for (const [key, value] of Object.entries(server)) {
      if (key.startsWith('@') || key === '#text') continue
      for (const item of Array.isArray(value) ? value : [value]) {
        const text = textOf(item)
        if (text === undefined) {
          if (typeof item === 'object') problems.push(`§1.6: ${where} <${key}> holds child elements`)
          continue
        }
        if (text !== text.trim()) problems.push(`§1.4: ${where} <${key}> has whitespace around "${text.trim()}"`)
      }
    }
  }

  const serverProblems = (server: Node, allowedAuth: readonly string[]): string[] => {
    const found: string[] = []
    const hostname = textOf(server.hostname)
    if (!hostname || !HOSTNAME.test(hostname.replace(PLACEHOLDER, 'x'))) found.push(`hostname "${hostname}" is not an ASCII host name`)
    const port = Number(textOf(server.port))
    if (!Number.isInteger(port) || port < 1 || port > 65535) found.push(`port "${textOf(server.port)}" is not 1–65535`)
    const socket = ((server.socketType as unknown[]) ?? []).map(textOf).find((s) => s && SOCKET_TYPES.includes(s))
    if (!socket) found.push('no known socketType')
    const auth = ((server.authentication as unknown[]) ?? []).map(textOf).find((a) => a && allowedAuth.includes(a))
    if (!auth) found.push('no usable authentication')
    if (textOf(server.username) === undefined) found.push('no <username> (Thunderbird would log in as "undefined")')
    return found
  }

  const incoming = (provider.incomingServer as Node[] | undefined) ?? []
  const outgoing = (provider.outgoingServer as Node[] | undefined) ?? []
  let validIncoming = 0
  incoming.forEach((server, i) => {
    const where = `incomingServer[${i}]`
    const type = textOf(server['@type'])
    if (type && DRAFT_INCOMING_TYPES.includes(type)) {
      if (textOf(server.url) === undefined) problems.push(`§1.8: ${where} of type "${type}" has no <url>`)
      return
    }
    checkValues(where, server)
    if (!type || !TB_INCOMING_TYPES.includes(type)) {
      problems.push(`§1.5: ${where} has unknown type "${type}"`)
      return
    }
    if (serverProblems(server, TB_INCOMING_AUTH).length === 0) validIncoming++
  })
  let validOutgoing = 0
  outgoing.forEach((server, i) => {
    const where = `outgoingServer[${i}]`
    checkValues(where, server)
    if (textOf(server['@type']) !== 'smtp') {
      problems.push(`§1.5: ${where} must have type "smtp"`)
      return
    }
    if (serverProblems(server, TB_OUTGOING_AUTH).length === 0) validOutgoing++
  })
  if (validIncoming === 0) problems.push('§1.5: no valid incoming server (Thunderbird rejects the file)')
  if (validOutgoing === 0) problems.push('§1.5: no valid outgoing server (Thunderbird rejects the file)')

  // §1.6: Thunderbird for Android reads an <oAuth2> inside <emailProvider> and fails the whole file
  // without authURL and tokenURL; at the root (where the draft puts it) it skips it.
  const providerOAuth2 = provider.oAuth2 as Node | undefined
  if (checkTfa && providerOAuth2 !== undefined && (textOf(providerOAuth2.authURL) === undefined || textOf(providerOAuth2.tokenURL) === undefined)) {
    problems.push('§1.6: <oAuth2> inside <emailProvider> without authURL and tokenURL (Thunderbird for Android rejects the file)')
  }

  if (checkTfa) {
    const imap = incoming.filter((s) => textOf(s['@type']) === 'imap')
    if (imap.length === 0) problems.push('§1.6: Thunderbird for Android needs an imap incomingServer')
    for (const [i, server] of [...imap.map((s) => ['imap', s] as const), ...outgoing.map((s) => ['smtp', s] as const)].entries()) {
      const [type, node] = server
      const sockets = ((node.socketType as unknown[]) ?? []).map(textOf)
      if (!sockets.every((s) => s === 'SSL' || s === 'STARTTLS')) {
        problems.push(`§1.6: ${type} entry ${i} has socketType ${sockets.join('/')}: Thunderbird for Android rejects the file`)
      }
      for (const problem of serverProblems(node, TFA_AUTH)) {
        problems.push(`§1.6: ${type} entry ${i}: ${problem} (Thunderbird for Android rejects the file)`)
      }
    }
  }
  return problems
}
