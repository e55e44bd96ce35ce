/**
 * Checks a configuration profile against the rules of docs/clients.md §3.2–§3.4 (Apple's
 * device-management schema as digested there). Returns the problems found; empty = all rules hold.
 * Used by the tests and by `mailconf doctor`, on the plist (a signed profile's content).
 */
import { parsePlist, type Plist, type PlistDict } from './plist'

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*$/i
const AUTH = ['EmailAuthNone', 'EmailAuthPassword', 'EmailAuthCRAMMD5', 'EmailAuthNTLM', 'EmailAuthHTTPMD5']
const COMMON = ['PayloadType', 'PayloadVersion', 'PayloadIdentifier', 'PayloadUUID', 'PayloadDisplayName', 'PayloadDescription', 'PayloadOrganization']
const SIDE_KEYS = (side: string) => ['HostName', 'PortNumber', 'UseSSL', 'Authentication', 'Username'].map((k) => `${side}MailServer${k}`)
// The keys this service may write, per payload type (§3.2–§3.4); anything else is a typo.
const KNOWN: Record<string, readonly string[]> = {
  Configuration: [...COMMON, 'PayloadContent'],
  'com.apple.mail.managed': [
    ...COMMON, 'EmailAccountType', 'EmailAccountDescription', 'EmailAccountName', 'EmailAddress',
    ...SIDE_KEYS('Incoming'), ...SIDE_KEYS('Outgoing'), 'IncomingPassword', 'OutgoingPassword', 'OutgoingPasswordSameAsIncomingPassword',
  ],
  'com.apple.caldav.account': [...COMMON, ...['AccountDescription', 'HostName', 'Port', 'UseSSL', 'PrincipalURL', 'Username', 'Password'].map((k) => `CalDAV${k}`)],
  'com.apple.carddav.account': [...COMMON, ...['AccountDescription', 'HostName', 'Port', 'UseSSL', 'PrincipalURL', 'Username', 'Password'].map((k) => `CardDAV${k}`)],
}

const isDict = (v: Plist | undefined): v is PlistDict =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array)
const isPort = (v: Plist | undefined) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535

export function validateMobileconfig(document: string): string[] {
  let root: Plist
  try {
    root = parsePlist(document)
  } catch (error) {
    return [`not a well-formed plist: ${String(error)}`]
  }
  if (!isDict(root)) return ['§3.2: the plist must hold a dict']
  const problems: string[] = []
  const identifiers = new Set<string>()
  const uuids = new Set<string>()

  const checkPayload = (where: string, payload: PlistDict) => {
    const type = payload.PayloadType
    if (typeof type !== 'string' || !KNOWN[type]) problems.push(`§3.2: ${where} has unknown PayloadType ${String(type)}`)
    if (payload.PayloadVersion !== 1) problems.push(`§3.2: ${where} PayloadVersion must be the integer 1`)
    const id = payload.PayloadIdentifier
    if (typeof id !== 'string' || id === '') problems.push(`§3.2: ${where} has no PayloadIdentifier`)
    else if (identifiers.has(id)) problems.push(`§3.2: ${where} repeats PayloadIdentifier ${id}`)
    else identifiers.add(id)
    const uuid = payload.PayloadUUID
    if (typeof uuid !== 'string' || !UUID.test(uuid)) problems.push(`§3.2: ${where} PayloadUUID ${String(uuid)} is not a UUID`)
    else if (uuids.has(uuid)) problems.push(`§3.2: ${where} repeats PayloadUUID ${uuid}`)
    else uuids.add(uuid)
    for (const [key, value] of Object.entries(payload)) {
      if (typeof type === 'string' && KNOWN[type] && !KNOWN[type].includes(key)) problems.push(`§3.2: ${where} has unknown key ${key}`)
      // §3.3 recommendation: omit a key rather than send it empty.
      if (value === '') problems.push(`§3.3: ${where} ${key} is an empty string`)
    }
  }

  const checkMail = (where: string, p: PlistDict) => {
    if (p.EmailAccountType !== 'EmailTypeIMAP' && p.EmailAccountType !== 'EmailTypePOP') problems.push(`§3.3: ${where} EmailAccountType must be EmailTypeIMAP or EmailTypePOP`)
    for (const side of ['Incoming', 'Outgoing']) {
      const host = p[`${side}MailServerHostName`]
      if (typeof host !== 'string' || !HOSTNAME.test(host)) problems.push(`§3.3: ${where} ${side}MailServerHostName is missing or not a host name`)
      const auth = p[`${side}MailServerAuthentication`]
      if (typeof auth !== 'string' || !AUTH.includes(auth)) problems.push(`§3.3: ${where} ${side}MailServerAuthentication ${String(auth)} is not one of Apple's values`)
      const port = p[`${side}MailServerPortNumber`]
      if (port !== undefined && !isPort(port)) problems.push(`§3.3: ${where} ${side}MailServerPortNumber must be an integer port`)
      const ssl = p[`${side}MailServerUseSSL`]
      if (ssl !== undefined && typeof ssl !== 'boolean') problems.push(`§3.3: ${where} ${side}MailServerUseSSL must be a boolean`)
    }
  }

  const checkDav = (where: string, p: PlistDict, prefix: 'CalDAV' | 'CardDAV') => {
    const host = p[`${prefix}HostName`]
    if (typeof host !== 'string' || !HOSTNAME.test(host)) problems.push(`§3.4: ${where} ${prefix}HostName must be a host name, not a URL`)
    const port = p[`${prefix}Port`]
    if (port !== undefined && !isPort(port)) problems.push(`§3.4: ${where} ${prefix}Port must be an integer port`)
    const ssl = p[`${prefix}UseSSL`]
    if (ssl !== undefined && typeof ssl !== 'boolean') problems.push(`§3.4: ${where} ${prefix}UseSSL must be a boolean`)
  }

  if (root.PayloadType !== 'Configuration') problems.push('§3.2: the top-level PayloadType must be Configuration')
  checkPayload('profile', root)
  const content = root.PayloadContent
  if (!Array.isArray(content) || content.length === 0) return [...problems, '§3.2: PayloadContent must be a non-empty array']
  content.forEach((payload, i) => {
    const where = `PayloadContent[${i}]`
    if (!isDict(payload)) return problems.push(`§3.2: ${where} must be a dict`)
    checkPayload(where, payload)
    if (payload.PayloadType === 'com.apple.mail.managed') checkMail(where, payload)
    if (payload.PayloadType === 'com.apple.caldav.account') checkDav(where, payload, 'CalDAV')
    if (payload.PayloadType === 'com.apple.carddav.account') checkDav(where, payload, 'CardDAV')
  })
  return problems
}
