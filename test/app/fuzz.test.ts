/**
 * Issue 9, hostile input: property-based fuzzing (fast-check) of every public route through the
 * Worker in workerd, on a realistic database. Generated and mutated requests: malformed,
 * truncated and hostile XML (billion laughs, external entities), invalid UTF-8, NUL and control
 * characters, CRLF, 10,000-character and multi-@ addresses, Unicode and punycode domains, wrong
 * methods, unknown paths, huge headers and bodies. Every answer must be a 2xx/3xx/4xx with a
 * message, arrive (no hang), and carry no request value unescaped; every XML or plist body must
 * parse. CI runs each property a few hundred times; `npm run fuzz -- --runs N` runs it longer.
 */
import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import worker from '../../src/worker'
import type { Bindings } from '../../src/app/env'
import sample from '../../seed/sample.json'
import { parsePlist } from '../../src/client-rules/plist'
import { resetDatabase, seed } from '../support/worker'

const { runs: requestedRuns, seed: fuzzSeed } = inject('fuzz')
/** Per property: CI default unless `npm run fuzz` asked for more. */
const runs = (ciDefault: number) => requestedRuns || ciDefault
const TIMEOUT = (ciDefault: number) => Math.max(60_000, runs(ciDefault) * 60)
const settings = (ciDefault: number) => ({ numRuns: runs(ciDefault), ...(fuzzSeed === null ? {} : { seed: fuzzSeed }), endOnFailure: true })

// A realistic database: the sample provider plus an IDN provider with ActiveSync, DAV and
// servers on some domains only.
const DATABASE = {
  version: 2,
  providers: [
    { provider: sample.provider, short_name: 'Example', domains: ['example.com', 'example.net', 'example.org'] },
    { provider: 'Bücher & Söhne <Mail>', short_name: 'Bücher', domains: ['bücher.example', 'xn--mnchen-3ya.example'] },
  ],
  servers: [
    ...sample.servers.map((server) => ({ ...server, domains: ['example.com', 'example.net', 'example.org'] })),
    { type: 'imap', name: 'imap.bücher.example', port: 143, socket_type: 'STARTTLS', user_name: '%EMAILLOCALPART%', domains: ['bücher.example', 'xn--mnchen-3ya.example'] },
    { type: 'smtp', name: 'smtp.bücher.example', port: 587, authentication: 'secure', domains: ['bücher.example', 'xn--mnchen-3ya.example'] },
    { type: 'carddav', url: 'https://dav.bücher.example/card/', domains: ['bücher.example'] },
    { type: 'activesync', url: 'https://eas.bücher.example/Microsoft-Server-ActiveSync', domains: ['bücher.example'] },
  ],
  ldapservers: [],
}

// The suite sends what it claims (fast-check may stop early only on a failure, which fails anyway).
const EXPECTED_REQUESTS = [800, 1500, 800, 1200, 800, 800].map(runs).reduce((a, b) => a + b)
afterAll(() => {
  if (sent < EXPECTED_REQUESTS) throw new Error(`the fuzz suite sent ${sent} requests, expected ${EXPECTED_REQUESTS}`)
})

beforeAll(async () => {
  await resetDatabase()
  const response = await seed(DATABASE)
  if (response.status !== 200) throw new Error(`seeding failed: ${await response.text()}`)
})

// ---------------------------------------------------------------------------------------------
// Injection markers and the oracle.

/** Each would show up raw in a body that forgot to escape it: a tag, attribute breakouts, an entity. */
const MARKERS = ['<x-inj>', '"x-inj="1', "'x-inj='1", '&x-inj;', ']]><x-inj>', '<!--x-inj-->', '"\'><x-inj', '<?x-inj?>']
/**
 * What an unescaped marker leaves in any body: a tag, comment, processing instruction or entity
 * reference (escaped forms such as &lt;x-inj or &amp;x-inj; do not match). Quotes are legal raw in
 * XML text, so attribute breakouts are checked structurally: no element or attribute named x-inj
 * in a parsed XML/plist body, and only known attributes on the landing page's inputs.
 */
const RAW_MARKER = /<x-inj|<!--x-inj|<\?x-inj|&x-inj;/
/** In HTML every quote is escaped by the template, so a raw `x-inj="` is a breakout. */
const RAW_ATTRIBUTE = /x-inj=["']/
const treeParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false, parseTagValue: false })
/** Names of every element and attribute in a parsed document. */
function namesIn(node: unknown, names: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const item of node) namesIn(item, names)
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      names.add(key)
      namesIn(value, names)
    }
  }
  return names
}

const SERVED_DOMAINS = ['example.com', 'EXAMPLE.NET', 'Example.Org.', 'bücher.example', 'BÜCHER.example', 'xn--bcher-kva.example', 'münchen.example', 'xn--mnchen-3ya.example']
const OTHER_DOMAINS = ['unknown.example', 'xn--zz.example', 'xn--.example', '例え.テスト', 'ex ample.com', '[::1]', '127.0.0.1', 'a..b', '-bad-.example', 'x'.repeat(300) + '.example', 'example.com%00.evil', 'example.com\r\nX-Inj: 1']

const describeRequest = (request: Request) => `${request.method} ${request.url.length > 300 ? `${request.url.slice(0, 300)}…` : request.url}`

interface Fuzzed {
  readonly request: Request
  readonly bindings: Bindings
  /** Statuses this route may answer; anything else (5xx above all) fails the property. */
  readonly allowed: readonly number[]
  /** The body as sent, for the counterexample report only. */
  readonly body?: string | Uint8Array
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text)
/** How fast-check prints a failing request: method, URL, headers, body, the bindings that vary. */
function report(fuzzed: Fuzzed): string {
  const headers = [...fuzzed.request.headers].map(([k, v]) => `${k}: ${clip(v)}`)
  const body = fuzzed.body === undefined ? '' : typeof fuzzed.body === 'string' ? clip(JSON.stringify(fuzzed.body)) : `bytes [${[...fuzzed.body.slice(0, 100)].join(',')}]`
  return [describeRequest(fuzzed.request), ...headers, `body: ${body}`, `PERMIT_CLEARTEXT_PASSWORDS=${fuzzed.bindings.PERMIT_CLEARTEXT_PASSWORDS} PROXY_COUNT=${fuzzed.bindings.PROXY_COUNT}`].join('\n  ')
}

const encoder = new TextEncoder()
/** Every byte percent-encoded: lone surrogates become U+FFFD, anything else survives exactly. */
const percentAll = (text: string) => [...encoder.encode(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
const percentBytes = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')

const localPart = fc.oneof(
  fc.constantFrom('alice', 'john.doe', 'user+tag', "o'brien", 'a"b', 'x&y', 'a;b', '%EMAILADDRESS%', 'ü', 'a'.repeat(64), 'a'.repeat(65)),
  fc.constantFrom(...MARKERS),
  fc.string({ maxLength: 16 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constant('x'.repeat(10_000)),
)
const domain = fc.oneof(fc.constantFrom(...SERVED_DOMAINS), fc.constantFrom(...OTHER_DOMAINS), fc.domain(), fc.string({ unit: 'grapheme', maxLength: 12 }))
const address = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`) },
  { weight: 1, arbitrary: fc.tuple(fc.array(localPart, { minLength: 2, maxLength: 4 }), domain).map(([parts, d]) => `${parts.join('@')}@${d}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '@', '@@', 'a@', '@example.com', '@'.repeat(10_000), `${'a@'.repeat(5_000)}example.com`, `alice@${'b.'.repeat(5_000)}com`, ' alice@example.com ', 'alice@example.com\u0000', 'alice\r\n@example.com') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
)
/** A value as it appears in a query or form: encoded, raw, broken bytes, or both glued. */
const encoded = (value: fc.Arbitrary<string>) => fc.oneof(
  value.map(percentAll),
  value.map((v) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ''))),
  value.map((v) => v.replace(/[#&%]/g, '')),
  fc.uint8Array({ maxLength: 24 }).map(percentBytes),
  fc.tuple(value, fc.constantFrom('%FF', '%C3', '%C0%AF', '%ED%A0%80', '%00', '%0D%0A', '%', '%zz', '%E2%82')).map(([v, bad]) => `${percentAll(v)}${bad}`),
)
const text = fc.oneof(fc.constantFrom(...MARKERS), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('Alice Doe', 'x\r\nContent-Disposition: inline', 'n'.repeat(10_000)))

const scheme = fc.constantFrom('https', 'http')
const host = fc.constantFrom('autoconfig.example.com', 'autodiscover.example.com', 'example.net', 'autoconfig.xn--bcher-kva.example', 'localhost', '127.0.0.1:8787', 'mail.unknown.example')
/** Valid header values (a Headers object refuses CR, LF and NUL) that are long or hostile. */
const headerValue = fc.oneof(
  fc.constantFrom(...MARKERS),
  fc.string({ maxLength: 40 }).map((v) => v.replace(/[\r\n\0]/g, ' ')),
  fc.constantFrom('x'.repeat(16_000), '1.2.3.4, '.repeat(2_000), `Basic ${btoa('alice@example.com:hunter2')}`, 'Bearer x-inj', '\u0001\u007f\t'),
)
const extraHeaders = fc.dictionary(
  fc.constantFrom('X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'CF-Connecting-IP', 'Authorization', 'Cookie', 'Accept-Language', 'User-Agent', 'X-Fuzz'),
  headerValue,
  { maxKeys: 3 },
)
const bindings = fc.record({ permit: fc.boolean(), proxies: fc.constantFrom('0', '1', '2') }).map(({ permit, proxies }): Bindings => ({
  ...env,
  PERMIT_CLEARTEXT_PASSWORDS: permit ? 'I_understand_the_risks' : undefined,
  PROXY_COUNT: proxies,
}))
/** Path segments in a random letter case (Autodiscover paths are case-insensitive). */
const anyCase = (path: string) => fc.array(fc.boolean(), { minLength: path.length, maxLength: path.length })
  .map((flips) => [...path].map((ch, i) => (flips[i] ? ch.toUpperCase() : ch)).join(''))

// ---------------------------------------------------------------------------------------------
// Requests per route family.

const CONFIG_STATUSES = [200, 400, 404]

const autoconfigRequests = fc.record({
  scheme, host, bindings, headers: extraHeaders,
  path: fc.constantFrom('/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'),
  query: fc.oneof(encoded(address).map((v) => `?emailaddress=${v}`), fc.constantFrom('', '?', '?emailaddress=', '?emailaddress', '?emailaddress=a%40example.com&emailaddress=<x-inj>', '?emailmd5=x&emailaddress=alice%40example.com')),
}).map(({ scheme, host, path, query, headers, bindings }): Fuzzed => ({
  request: new Request(`${scheme}://${host}${path}${query}`, { headers }), bindings, allowed: CONFIG_STATUSES,
}))

const autodiscoverJsonRequests = fc.record({
  scheme, host, bindings, headers: extraHeaders,
  path: anyCase('/autodiscover/autodiscover.json'),
  form: fc.boolean(),
  value: encoded(address),
  protocol: fc.oneof(fc.constantFrom('AutodiscoverV1', 'autodiscoverv1', 'ActiveSync', 'activesync', 'Rest', ''), encoded(text)),
}).map(({ scheme, host, path, form, value, protocol, headers, bindings }): Fuzzed => ({
  request: new Request(form ? `${scheme}://${host}${path}/v1.0/${value}?Protocol=${protocol}` : `${scheme}://${host}${path}?Email=${value}&Protocol=${protocol}`, { headers }),
  bindings,
  allowed: CONFIG_STATUSES,
}))

const profileFields = fc.record({ address: encoded(address), name: fc.option(encoded(text)), password: fc.option(encoded(text)) })
  .map(({ address, name, password }) => [`emailaddress=${address}`, name === null ? '' : `&name=${name}`, password === null ? '' : `&password=${password}`].join(''))
const PROFILE_PATHS = ['/mobileconfig', '/mobileconfig/', '/email.mobileconfig']

const mobileconfigRequests = fc.record({
  scheme, host, bindings, headers: extraHeaders,
  path: fc.constantFrom(...PROFILE_PATHS),
  post: fc.boolean(),
  fields: profileFields,
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED', 'text/plain', 'multipart/form-data; boundary=x', undefined),
  rawBody: fc.option(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(encoder.encode(`emailaddress=alice%40example.com&name=${'n'.repeat(17_000)}`))), { freq: 4 }),
}).map(({ scheme, host, path, post, fields, contentType, rawBody, headers, bindings }): Fuzzed => ({
  request: post
    ? new Request(`${scheme}://${host}${path}`, { method: 'POST', headers: { ...headers, ...(contentType ? { 'Content-Type': contentType } : {}) }, body: rawBody ?? fields })
    : new Request(`${scheme}://${host}${path}?${fields}`, { headers }),
  bindings,
  ...(post ? { body: rawBody ?? fields } : {}),
  allowed: [200, 400, 404, 413, 415],
}))

const landingRequests = fc.record({
  scheme, host, bindings, headers: extraHeaders,
  query: fc.oneof(fc.record({ a: encoded(address), n: encoded(text) }).map(({ a, n }) => `?emailaddress=${a}&name=${n}`), encoded(address).map((a) => `?emailaddress=${a}`), fc.constantFrom('', '?', '?name=<x-inj>')),
}).map(({ scheme, host, query, headers, bindings }): Fuzzed => ({
  request: new Request(`${scheme}://${host}/${query}`, { headers }), bindings, allowed: CONFIG_STATUSES,
}))

// Autodiscover POX bodies: templates with raw (unescaped) values, hostile documents, mutations.
const NS_REQUEST = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
const SCHEMAS = [
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  'https://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006',
  'urn:x-inj', '<x-inj>', '',
]
const poxDocument = (addr: string, schema: string | null, prefix: string) =>
  `<?xml version="1.0" encoding="utf-8"?><${prefix}Autodiscover xmlns${prefix ? `:${prefix.slice(0, -1)}` : ''}="${NS_REQUEST}"><${prefix}Request><${prefix}EMailAddress>${addr}</${prefix}EMailAddress>${schema === null ? '' : `<${prefix}AcceptableResponseSchema>${schema}</${prefix}AcceptableResponseSchema>`}</${prefix}Request></${prefix}Autodiscover>`
const LOL = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`
const HOSTILE_BODIES = [
  `<?xml version="1.0"?>${LOL}<Autodiscover><Request><EMailAddress>&lol9;@example.com</EMailAddress></Request></Autodiscover>`,
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>',
  '<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://x-inj.invalid/evil.dtd"><Autodiscover><Request><EMailAddress>alice@example.com</EMailAddress></Request></Autodiscover>',
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY % p SYSTEM "http://x-inj.invalid/p.dtd"> %p;]><Autodiscover/>',
  '<Autodiscover><Request><EMailAddress><![CDATA[<x-inj>@example.com]]></EMailAddress></Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress>alice@example.com</EMailAddress><EMailAddress>bob@example.net</EMailAddress><LegacyDN>/o=x-inj</LegacyDN></Request></Autodiscover>',
  '<Autodiscover><Request><LegacyDN>/o=First Organization/ou=x-inj</LegacyDN></Request></Autodiscover>',
  `${'<a>'.repeat(5_000)}alice@example.com${'</a>'.repeat(5_000)}`,
  `<Autodiscover><Request><EMailAddress ${Array.from({ length: 2_000 }, (_, i) => `a${i}="v"`).join(' ')}>alice@example.com</EMailAddress></Request></Autodiscover>`,
  '\ufeff<?xml version="1.0" encoding="utf-16"?><Autodiscover><Request><EMailAddress>alice@example.com</EMailAddress></Request></Autodiscover>',
]
const poxBody = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(address, fc.option(fc.constantFrom(...SCHEMAS)), fc.constantFrom('', 'a:', 'ns0:', 'X:')).map(([a, s, p]) => poxDocument(a, s, p)) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
)
/** Mutations: truncate, splice random bytes in, or replace the body by raw (often invalid UTF-8) bytes. */
const mutatedBody = fc.oneof(
  { weight: 3, arbitrary: poxBody.map((b): string | Uint8Array => b) },
  { weight: 2, arbitrary: fc.tuple(poxBody, fc.nat()).map(([b, n]): string | Uint8Array => b.slice(0, n % (b.length + 1))) },
  { weight: 2, arbitrary: fc.tuple(poxBody, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([b, n, bytes]): string | Uint8Array => {
    const whole = encoder.encode(b)
    const at = n % (whole.length + 1)
    return new Uint8Array([...whole.slice(0, at), ...bytes, ...whole.slice(at)])
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((b): string | Uint8Array => b) },
  { weight: 1, arbitrary: fc.constantFrom<string | Uint8Array>('x'.repeat(64 * 1024), 'x'.repeat(64 * 1024 + 1), `<Autodiscover>${' '.repeat(200_000)}</Autodiscover>`) },
)
const autodiscoverPoxRequests = fc.record({
  scheme, host, bindings, headers: extraHeaders,
  path: fc.oneof(anyCase('/autodiscover/autodiscover.xml'), anyCase('/autodiscover.xml')),
  get: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  body: mutatedBody,
  contentType: fc.constantFrom('text/xml', 'text/xml; charset=utf-8', 'application/xml', 'text/plain', 'application/json', undefined),
}).map(({ scheme, host, path, get, body, contentType, headers, bindings }): Fuzzed => ({
  request: get
    ? new Request(`${scheme}://${host}${path}`, { headers })
    : new Request(`${scheme}://${host}${path}`, { method: 'POST', headers: { ...headers, ...(contentType ? { 'Content-Type': contentType } : {}) }, body }),
  bindings,
  ...(get ? {} : { body }),
  // Autodiscover errors are documents with HTTP 200; GET over http redirects (302).
  allowed: [200, 302, 413],
}))

// Every other path, and every route with a method it does not serve.
const PUBLIC_PATHS = ['/', '/healthz', '/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml', '/autodiscover/autodiscover.xml', '/autodiscover.xml', '/autodiscover/autodiscover.json', '/autodiscover/autodiscover.json/v1.0/alice@example.com', ...PROFILE_PATHS]
const strayRequests = fc.record({
  scheme, host, bindings, headers: extraHeaders,
  target: fc.oneof(
    fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST', 'GET', 'PROPFIND', 'TRACE'), fc.constantFrom(...PUBLIC_PATHS)),
    fc.tuple(fc.constantFrom('GET', 'POST'), fc.oneof(
      fc.webPath(),
      fc.string({ unit: 'binary', maxLength: 30 }).map((p) => `/${percentAll(p)}`),
      fc.constantFrom('/%2e%2e/initdb/', '/autodiscover/../initdb/', '//healthz', '/healthz/', '/mail/config-v1.1.xml/', '/.well-known/autoconfig/', '/<x-inj>', '/%3Cx-inj%3E', `/${'a/'.repeat(2_000)}`, '/favicon.ico', '/mobileconfig/x-inj'),
    )),
  ),
  body: fc.option(fc.string({ maxLength: 100 })),
}).map(({ scheme, host, target: [method, path], body, headers, bindings }): Fuzzed => {
  const bodyless = method === 'GET' || method === 'HEAD'
  return {
    request: new Request(`${scheme}://${host}${path}`, { method, headers, ...(bodyless || body === null ? {} : { body }) }),
    bindings,
    // 401: a path that normalises to /initdb/ (e.g. /%2e%2e/initdb/) meets the admin guard.
    allowed: [200, 302, 400, 401, 404, 405, 413, 415],
  }
})

// ---------------------------------------------------------------------------------------------

/** A hang detector, not a speed check: only a request that never finishes can trip it. */
const HANG_MS = 15_000

let sent = 0

async function exchange({ request, bindings }: Fuzzed): Promise<Response> {
  sent++
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms: ${request.method} ${request.url.slice(0, 200)}`)), HANG_MS)
  })
  try {
    return await Promise.race([worker.fetch(request, bindings), hang])
  } finally {
    clearTimeout(timer)
  }
}


/** The landing page's input elements: only these attributes, every value double-quoted. */
const INPUT_TAG = /^<input(?: (?:id|name|type|autocomplete|maxlength|value|aria-describedby)="[^"<>]*"| required)*>$/

/** The oracle every answer must satisfy. */
async function checkAnswer(fuzzed: Fuzzed, response: Response): Promise<void> {
  const where = describeRequest(fuzzed.request)
  expect(fuzzed.allowed, `${where} → ${response.status}`).toContain(response.status)
  const type = response.headers.get('Content-Type') ?? ''
  // Decoded by hand: Response.text() on a profile type makes workerd warn on every call.
  const body = fuzzed.request.method === 'HEAD' ? '' : new TextDecoder().decode(await response.arrayBuffer())
  if (response.status >= 400 && fuzzed.request.method !== 'HEAD') expect(body.length, `${where}: a refusal says why`).toBeGreaterThan(0)
  expect(body, `${where}: no stack trace`).not.toMatch(/\bat \S+ \(|\.ts:\d+|\.js:\d+|TypeError|RangeError|SyntaxError: /)
  expect(RAW_MARKER.test(body), `${where}: request value unescaped in the body`).toBe(false)
  for (const [name, value] of response.headers) {
    expect(RAW_MARKER.test(value), `${where}: request value in header ${name}`).toBe(false)
  }
  const disposition = response.headers.get('Content-Disposition')
  if (disposition !== null) expect(disposition).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.mobileconfig"$/)
  if (body === '') return
  if (/^(text|application)\/xml/.test(type)) {
    expect(XMLValidator.validate(body), `${where}: well-formed XML`).toBe(true)
    expect(body).not.toMatch(/<!DOCTYPE|<!ENTITY/)
    expect([...namesIn(treeParser.parse(body))].filter((n) => n.includes('x-inj')), `${where}: injected markup`).toEqual([])
  } else if (type === 'application/x-apple-aspen-config') {
    expect(XMLValidator.validate(body), `${where}: well-formed plist`).toBe(true)
    expect(() => parsePlist(body), where).not.toThrow()
    expect([...namesIn(treeParser.parse(body))].filter((n) => n.includes('x-inj')), `${where}: injected markup`).toEqual([])
  } else if (type.startsWith('application/json')) {
    expect(() => JSON.parse(body) as unknown, where).not.toThrow()
  } else if (type.startsWith('text/html')) {
    expect(body.startsWith('<!doctype html>'), where).toBe(true)
    expect(RAW_ATTRIBUTE.test(body), `${where}: request value unescaped in the body`).toBe(false)
    // A value that broke out of its attribute would add an attribute or an element of its own.
    for (const input of body.match(/<input\b[^>]*>/g) ?? []) expect(input, where).toMatch(INPUT_TAG)
  }
}

const property = (requests: fc.Arbitrary<Fuzzed>) => fc.asyncProperty(
  requests.map((fuzzed) => ({ ...fuzzed, [fc.toStringMethod]: () => report(fuzzed) })),
  async (fuzzed) => checkAnswer(fuzzed, await exchange(fuzzed)),
)

describe('fuzz: every public route answers hostile input with a 2xx/3xx/4xx, escaped', () => {
  it('Autoconfig (both paths)', { timeout: TIMEOUT(800) }, async () => {
    await fc.assert(property(autoconfigRequests), settings(800))
  })
  it('Autodiscover POX (any case, /autodiscover.xml): malformed, truncated, hostile and huge bodies', { timeout: TIMEOUT(1500) }, async () => {
    await fc.assert(property(autodiscoverPoxRequests), settings(1500))
  })
  it('Autodiscover v2 JSON (query and path forms)', { timeout: TIMEOUT(800) }, async () => {
    await fc.assert(property(autodiscoverJsonRequests), settings(800))
  })
  it('Apple profiles (GET and POST, every path)', { timeout: TIMEOUT(1200) }, async () => {
    await fc.assert(property(mobileconfigRequests), settings(1200))
  })
  it('the landing page', { timeout: TIMEOUT(800) }, async () => {
    await fc.assert(property(landingRequests), settings(800))
  })
  it('unknown paths and wrong methods, /healthz', { timeout: TIMEOUT(800) }, async () => {
    await fc.assert(property(strayRequests), settings(800))
  })
})

describe('fuzz oracle', () => {
  // The oracle must be able to fail: an unescaped echo and a 500 are caught.
  it('flags a raw marker, a 5xx and a broken XML body', async () => {
    const fuzzed: Fuzzed = { request: new Request('https://x.example/'), bindings: env, allowed: CONFIG_STATUSES }
    const xmlAnswer = (body: string, status = 200) => new Response(body, { status, headers: { 'Content-Type': 'text/xml' } })
    await expect(checkAnswer(fuzzed, xmlAnswer('<a x-inj="1">ok</a>'))).rejects.toThrow(/injected markup/)
    const page = (input: string) => new Response(`<!doctype html><form>${input}</form>`, { headers: { 'Content-Type': 'text/html; charset=utf-8' } })
    await expect(checkAnswer(fuzzed, page('<input name="name" value="" x-inj="1">'))).rejects.toThrow(/unescaped/)
    await expect(checkAnswer(fuzzed, page('<input name="name" value="a" onfocus="b">'))).rejects.toThrow()
    await expect(checkAnswer(fuzzed, page('<input name="name" value="&quot;x-inj=&quot;1">'))).resolves.toBeUndefined()
    await expect(checkAnswer(fuzzed, xmlAnswer('<a>&x-inj;</a>'))).rejects.toThrow(/unescaped/)
    await expect(checkAnswer(fuzzed, xmlAnswer('<a>ok</a>', 500))).rejects.toThrow(/500/)
    await expect(checkAnswer(fuzzed, xmlAnswer('<a><b></a>'))).rejects.toThrow(/well-formed/)
    await expect(checkAnswer(fuzzed, xmlAnswer('<a>&lt;x-inj&gt; x-inj=&quot;1 &amp;x-inj;</a>'))).resolves.toBeUndefined()
  })
})
