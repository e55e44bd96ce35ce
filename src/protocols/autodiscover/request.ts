/**
 * Autodiscover request bodies (Outlook POX, docs/clients.md §2.2; ActiveSync mobilesync, §2.8), read
 * leniently: elements are matched by local name in any letter case, namespaces and prefixes are
 * ignored, and a body Thunderbird broke with an unescaped `&` or `<` still yields its address.
 * Nothing is ever expanded or fetched: DTDs and entity declarations are refused outright.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { RESPONSE_SCHEMA_NS, type ResponseSchema } from './namespaces'
import { fail, ok, type Result } from '../../core/result'

export interface AutodiscoverRequest {
  /** As the client sent it, character references decoded; not yet validated as an address. */
  readonly emailAddress: string
  readonly schema: ResponseSchema
}

export type RequestProblem =
  /** Unreadable, or not a request we can answer: ErrorCode 600. */
  | { readonly kind: 'invalid'; readonly message: string }
  /** An AcceptableResponseSchema this service does not produce: ErrorCode 601. */
  | { readonly kind: 'unsupported-schema'; readonly message: string }

// No entity expansion of any kind (processEntities: false); the predefined five and character
// references are decoded below, by hand, in the fields we read.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

const DECLARATION = /<!(?:DOCTYPE|ENTITY)/i
// Attributes and content are bounded (an address is at most 64 + 1 + 253 octets; escaped, a few
// times that): unbounded `[^>]*` / `[\s\S]*?` rescan the rest of the body from every opening tag,
// which a 64 KiB body of `<EMailAddress x` repeated turned into ~0.2 s of CPU per request.
const element = (name: string) =>
  new RegExp(`<(?:[\\w.-]{1,64}:)?${name}(?:\\s[^>]{0,512})?>([\\s\\S]{0,2048}?)</(?:[\\w.-]{1,64}:)?${name}\\s*>`, 'i')
// Quirk(Thunderbird): it interpolates the typed address into the body without escaping, so
// `tom&jerry@example.com` makes the XML malformed (docs/clients.md §2.2, §2.2).
const EMAIL_ELEMENT = element('EMailAddress')
const SCHEMA_ELEMENT = element('AcceptableResponseSchema')
const LEGACY_DN_ELEMENT = /<(?:[\w.-]+:)?LegacyDN[\s>/]/i

const MAX_ECHO = 120
/** Input echoed in an error message, cut short: a body may be 64 KiB. */
const clip = (text: string) => (text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text)

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes the five predefined entities and character references; anything else stays as is. */
export function decodeXmlReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/gi, (whole, ref: string) => {
    if (!ref.startsWith('#')) return PREDEFINED[ref.toLowerCase()] ?? whole
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole
  })
}

interface RequestFields {
  readonly emailAddress: string | null
  readonly legacyDn: boolean
  readonly schema: string | null
}

type Tree = Record<string, unknown>

/** The first child element with this local name, in any letter case. */
function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined
  const wanted = name.toLowerCase()
  const key = Object.keys(node).find((k) => k.toLowerCase() === wanted)
  const value = key === undefined ? undefined : (node as Tree)[key]
  return Array.isArray(value) ? value[0] : value
}

const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? decodeXmlReferences(value).trim() : null

function fieldsFromTree(document: unknown): RequestFields | null {
  const request = child(child(document, 'Autodiscover'), 'Request')
  if (request === undefined) return null
  return {
    emailAddress: textOf(child(request, 'EMailAddress')),
    legacyDn: child(request, 'LegacyDN') !== undefined,
    schema: textOf(child(request, 'AcceptableResponseSchema')),
  }
}

/** The parsed tree; the parser throws on documents past its limits (e.g. "Maximum nested tags exceeded"). */
function readTree(body: string): Result<unknown, string> {
  try {
    return ok(parser.parse(body))
  } catch (error) {
    return fail(error instanceof Error ? error.message : 'unreadable')
  }
}

function fieldsFromText(body: string): RequestFields {
  return {
    emailAddress: textOf(EMAIL_ELEMENT.exec(body)?.[1]),
    legacyDn: LEGACY_DN_ELEMENT.test(body),
    schema: textOf(SCHEMA_ELEMENT.exec(body)?.[1]),
  }
}

/** Namespaces are matched in their http:// spelling; Microsoft's pages also print https:// (§2.2). */
function toResponseSchema(value: string): ResponseSchema | null {
  const normalised = value.replace(/^https:\/\//i, 'http://').replace(/\/+$/, '').toLowerCase()
  const entry = Object.entries(RESPONSE_SCHEMA_NS).find(([, ns]) => ns.toLowerCase() === normalised)
  return entry ? (entry[0] as ResponseSchema) : null
}

export function parseAutodiscoverRequest(body: string): Result<AutodiscoverRequest, RequestProblem> {
  if (body.trim() === '') return fail({ kind: 'invalid', message: 'the request body is empty' })
  if (DECLARATION.test(body)) {
    return fail({ kind: 'invalid', message: 'document type and entity declarations are not accepted' })
  }
  const validation = XMLValidator.validate(body)
  const tree = validation === true ? readTree(body) : null
  let fields: RequestFields | null
  if (tree !== null && tree.ok) {
    fields = fieldsFromTree(tree.value)
    if (fields === null) return fail({ kind: 'invalid', message: 'expected an Autodiscover element holding a Request' })
  } else {
    // Malformed, or well-formed but beyond the parser's limits (nesting depth): read leniently.
    fields = fieldsFromText(body)
    if (fields.emailAddress === null && !fields.legacyDn) {
      const reason = validation === true ? `cannot be read: ${clip(tree?.ok === false ? tree.error : 'unknown')}` : `is not well-formed XML: ${clip(validation.err.msg)}`
      return fail({ kind: 'invalid', message: `the request body ${reason}` })
    }
  }
  // MS-OXDSCLI lets LegacyDN win over EMailAddress (§2.1), but a LegacyDN is an Exchange directory
  // name this service cannot resolve, so the address is used whenever there is one.
  if (fields.emailAddress === null) {
    return fail({
      kind: 'invalid',
      message: fields.legacyDn
        ? 'LegacyDN requests are not supported: send EMailAddress'
        : 'the request has no EMailAddress',
    })
  }
  // Every real client names a schema; without one, the Outlook schema is the sensible reading.
  const requested = fields.schema
  const schema = requested === null ? 'outlook-2006a' : toResponseSchema(requested)
  if (schema === null) {
    return fail({
      kind: 'unsupported-schema',
      message: `no configuration is available for the response schema ${clip(requested ?? '')}`,
    })
  }
  return ok({ emailAddress: fields.emailAddress, schema })
}
