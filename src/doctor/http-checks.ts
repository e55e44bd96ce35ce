/**
 * The HTTP half of the doctor: what a live host answers to a client's request, against what the
 * service itself answers to the same request (the database's document), and against the client
 * rules of that kind of document (src/client-rules/). Pure; src/node/doctor/http.ts fetches.
 */
import { validateAutoconfig } from '../client-rules/autoconfig'
import { validateAutodiscoverPox, validateAutodiscoverV2 } from '../client-rules/autodiscover'
import { validateMobileconfig } from '../client-rules/mobileconfig'
import type { AnswerKind, Probe } from './plan'
import { profileContent } from './profile'
import { check, shown, type Check } from './report'

export interface HttpAnswer {
  readonly status: number
  readonly contentType: string
  readonly location: string | null
  readonly body: Uint8Array
}

/** An answer, or why there was none (`tls`: the certificate was refused, as a client refuses it). */
export type Fetched = { readonly kind: 'answered'; readonly answer: HttpAnswer } | { readonly kind: 'failed'; readonly message: string; readonly tls: boolean }

interface KindRules {
  readonly contentType: RegExp
  /** In the report: what the content type must be. */
  readonly typeName: string
  /** docs/clients.md section of the content-type rule. */
  readonly typeRule: string
  readonly validate: (text: string) => string[]
}

const RULES: Record<AnswerKind, KindRules> = {
  // §1.3: Thunderbird parses only these types, compared case-sensitively.
  autoconfig: { contentType: /^(text\/xml|application\/xml|text\/rdf)/, typeName: 'text/xml', typeRule: '§1.3', validate: (text) => validateAutoconfig(text) },
  'autodiscover-pox': { contentType: /^(text\/xml|application\/xml)/i, typeName: 'text/xml', typeRule: '§2.3', validate: validateAutodiscoverPox },
  'autodiscover-v2': { contentType: /^application\/json/i, typeName: 'application/json', typeRule: '§2.9', validate: validateAutodiscoverV2 },
  'mobileconfig': { contentType: /^application\/x-apple-aspen-config/i, typeName: 'application/x-apple-aspen-config', typeRule: '§3.1', validate: validateMobileconfig },
}

const decoder = new TextDecoder()

/** `example.com` of `example.com:8443`, `[::1]` of `[::1]:8443`, lower case. */
const hostnameOf = (host: string) => (URL.canParse(`http://${host}`) ? new URL(`http://${host}`).hostname : host.toLowerCase())

/** `https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=<address>` (never the address). */
export const shownUrl = (probe: Probe) => `${probe.request.method} ${probe.scheme}://${probe.host}${probe.request.shownPath}`

/** The part of an answer two servers must agree on, as text; what the client rules read; what it is. */
interface Comparable {
  readonly text: string
  readonly content: string
  readonly note: string
}

/**
 * The answer as the comparison sees it. v2's `Url` names the host the request was sent to (the
 * route builds it from Host), so that host is replaced by `<host>` on both sides (the port too); a signed profile
 * is compared by the plist it carries, since its signing time differs with every download.
 */
function comparable(kind: AnswerKind, answer: HttpAnswer, requestHost: string): Comparable {
  if (kind === 'mobileconfig' && answer.status === 200) {
    const content = profileContent(answer.body)
    if (!content.ok) return { text: `unreadable profile: ${content.error}`, content: '', note: 'unreadable profile' }
    const { signed, plist } = content.value
    return { text: `${signed ? 'signed' : 'unsigned'}\n${plist}`, content: plist, note: signed ? 'signed profile' : 'profile' }
  }
  const text = decoder.decode(answer.body)
  if (kind === 'autodiscover-v2') {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>
      // The host without its port: behind a proxy the service may see the name only (NGINX's $host).
      if (typeof parsed.Url === 'string' && URL.canParse(parsed.Url) && new URL(parsed.Url).hostname === hostnameOf(requestHost)) {
        const url = new URL(parsed.Url)
        return { text: JSON.stringify({ ...parsed, Url: `${url.protocol}//<host>${url.pathname}${url.search}` }), content: text, note: 'JSON answer' }
      }
      return { text: JSON.stringify(parsed), content: text, note: 'JSON answer' }
    } catch {
      return { text, content: text, note: 'body' }
    }
  }
  return { text, content: text, note: 'document' }
}

/** Where two texts first differ, line by line, for the report. */
export function firstDifference(expected: string, found: string): string {
  const want = expected.split('\n')
  const have = found.split('\n')
  for (let i = 0; i < Math.max(want.length, have.length); i++) {
    if (want[i] !== have[i]) {
      const side = (line: string | undefined) => (line === undefined ? 'nothing' : `"${shown(line.trim(), 90)}"`)
      return `line ${i + 1}: expected ${side(want[i])}, found ${side(have[i])}`
    }
  }
  return 'no difference'
}

const statusLine = (answer: HttpAnswer) => `${answer.status} ${answer.contentType || 'no content type'}`
const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status)

/** The service's own message for an answer that is not the document (404 text, a v2 or POX error). */
function messageOf(kind: AnswerKind, answer: HttpAnswer): string {
  const text = decoder.decode(answer.body).trim()
  if (kind === 'autodiscover-pox' || kind === 'autodiscover-v2') return RULES[kind].validate(text)[0] ?? shown(text, 120)
  return shown(text, 120)
}

export interface DocumentAnswers {
  readonly live: Fetched
  /** The same request answered by the service itself (through --url, or in-process on Node). */
  readonly expected: Fetched
  /** The Host the live request carried (with a port when not the default). */
  readonly liveHost: string
  /** The Host the service saw for the expected answer. */
  readonly expectedHost: string
}

const optional = (probe: Probe, fix: string) => (probe.required ? fix : `optional (clients find the settings elsewhere): ${fix}`)

function unreachable(probe: Probe, expected: string, message: string, tls: boolean): Check {
  const fix = tls
    ? `see tls:${probe.host}: clients refuse this certificate, so they never see the answer`
    : `make ${probe.host} answer ${probe.scheme} and route ${probe.request.shownPath.split('?')[0]} to the service (see the cname: and tls: checks)`
  return check(probe.id, probe.required ? 'error' : 'warn', expected, `no answer: ${message}`, optional(probe, fix))
}

/** A `document` probe: the live answer equals the service's, and clients accept it. */
export function checkDocument(probe: Probe, kind: AnswerKind, answers: DocumentAnswers): Check {
  const { id } = probe
  const rules = RULES[kind]
  if (answers.expected.kind === 'failed') {
    return check(id, 'error', `${shownUrl(probe)}: the service's answer`, `the service itself did not answer: ${answers.expected.message}`, 'check --url: the doctor asks the service what it would answer')
  }
  const wanted = answers.expected.answer
  const wantedBody = comparable(kind, wanted, answers.expectedHost)
  const expected = `${shownUrl(probe)} → ${statusLine(wanted)}, the ${wantedBody.note} the service serves`
  if (answers.live.kind === 'failed') return unreachable(probe, expected, answers.live.message, answers.live.tls)
  const live = answers.live.answer

  // §5.5: Autoconfig clients follow a redirect from http to https; that is what http is for now.
  if (probe.scheme === 'http' && isRedirect(live.status) && live.location !== null && /^https:\/\//i.test(live.location)) {
    return check(id, 'pass', expected, `${live.status} redirect to ${live.location}`)
  }
  const liveBody = comparable(kind, live, answers.liveHost)
  if (live.status !== wanted.status || liveBody.text !== wantedBody.text) {
    const found = `${statusLine(live)}: ${live.status !== wanted.status ? messageOf(kind, live) : `another ${liveBody.note}, ${firstDifference(wantedBody.text, liveBody.text)}`}`
    if (isRedirect(live.status)) {
      return check(id, 'warn', expected, `${live.status} redirect to ${live.location ?? 'nowhere'}`, optional(probe, `answer here directly: FairEmail and Outlook take only 200 (docs/clients.md §1.3, §5.4, §5.5)`))
    }
    // An optional source that is simply not served (a web site's 404) is no drift.
    if (!probe.required && (live.status < 200 || live.status >= 300)) {
      return check(id, 'warn', expected, found, optional(probe, `route ${probe.request.shownPath.split('?')[0]} on ${probe.host} to the service`))
    }
    return check(
      id,
      'drift',
      expected,
      found,
      `${probe.host} answers other than the service's database: a stale cache, another server or an old deployment. Check where ${probe.host} points (cname: checks) and routes ${probe.request.shownPath.split('?')[0]}, purge caches in front of it, or redeploy the service there`,
    )
  }
  // The live answer is the service's: what remains is whether the service's answer serves clients.
  const failing = probe.required ? 'error' : 'warn'
  if (wanted.status !== 200) {
    return check(id, failing, expected, `${statusLine(live)}: ${messageOf(kind, live)}`, `the service itself answers ${wanted.status} to this request: fix the domain's data (mailconf servers list, mailconf domains list)`)
  }
  if (!rules.contentType.test(live.contentType)) {
    return check(id, failing, expected, statusLine(live), `serve it as ${rules.typeName}: clients ignore other types (docs/clients.md ${rules.typeRule}); is a proxy rewriting Content-Type?`)
  }
  const problems = rules.validate(liveBody.content)
  if (problems.length > 0) {
    // §1.6 rules only concern Thunderbird for Android; every other client still takes the document.
    const androidOnly = problems.every((p) => p.startsWith('§1.6'))
    return check(id, androidOnly ? 'warn' : failing, expected, `${statusLine(live)}, a ${liveBody.note} clients reject: ${problems.join('; ')}`, `fix the domain's data so that the document follows docs/clients.md (${problems.length} problem${problems.length === 1 ? '' : 's'})`)
  }
  return check(id, 'pass', expected, `${statusLine(live)}, the same ${liveBody.note}`)
}

/** A `dav-redirect` probe: the domain's well-known DAV URI redirects to the context path (RFC 6764 §5; §4.6). */
export function checkDavRedirect(probe: Probe, location: string, live: Fetched): Check {
  const { id } = probe
  const said = (answer: HttpAnswer) => (isRedirect(answer.status) ? `${answer.status} to ${answer.location ?? 'nowhere'}` : `${statusLine(answer)}: ${shown(decoder.decode(answer.body).trim(), 120)}`)
  const expected = `${shownUrl(probe)} → a redirect to ${location}`
  if (live.kind === 'failed') return unreachable(probe, expected, live.message, live.tls)
  const { answer } = live
  if (isRedirect(answer.status) && answer.location === location) return check(id, 'pass', expected, said(answer))
  if (!isRedirect(answer.status)) {
    return check(id, probe.required ? 'error' : 'warn', expected, said(answer), optional(probe, `route ${probe.request.path} on ${probe.host} to the service (README: CalDAV/CardDAV discovery)`))
  }
  return check(id, 'drift', expected, said(answer), `${probe.host} redirects elsewhere than the service's data says: another server or an old rule answers ${probe.request.path}; route it to the service or correct the redirect`)
}

/** A `redirect-to-https` probe: Outlook's GET over http wants a 302 to an https URL (§2.7). */
export function checkRedirect(probe: Probe, live: Fetched): Check {
  const expected = `${shownUrl(probe)} → 302 to https://…/autodiscover/autodiscover.xml`
  if (live.kind === 'failed') return unreachable(probe, expected, live.message, live.tls)
  const { answer } = live
  const location = answer.location ?? ''
  if (answer.status === 302 && /^https:\/\//i.test(location)) return check(probe.id, 'pass', expected, `302 to ${location}`)
  const found = isRedirect(answer.status) ? `${answer.status} to ${location || 'nowhere'}` : statusLine(answer)
  return check(probe.id, probe.required ? 'error' : 'warn', expected, found, optional(probe, `route http://${probe.host}/autodiscover/ to the service, which answers this GET with 302 to https (MS-OXDISCO; docs/clients.md §2.7)`))
}
