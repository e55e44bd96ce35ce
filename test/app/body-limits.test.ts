/**
 * Issue 9, body limits, all in one table: Autodiscover 64 KiB, Apple profile forms 16 KiB, seeding
 * and import 5 MiB, the other admin bodies 64 KiB. One byte over → 413 naming the limit, nothing
 * written; exactly at the limit → read (whatever the content then earns); a streamed body without
 * Content-Length is counted as it arrives.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { tableContents as tableContentsOf } from '../support/admin-client'
import { workerTarget } from '../support/worker-target'
import { ADMIN, request, resetDatabase, seed } from '../support/worker'

// These tests need workerd-only facilities (see each describe); tables are read through the D1 target.
const tableContents = () => tableContentsOf(workerTarget)

const KiB = 1024
const MiB = 1024 * KiB

beforeEach(async () => {
  await resetDatabase()
  await seed(sample)
})

type Format = 'text' | 'json'
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }
const JSON_ADMIN = { ...ADMIN, 'Content-Type': 'application/json' }

/** method, path, limit, headers, the 413 format, and a body of exactly `size` bytes for that route. */
const LIMITS: [string, string, number, Record<string, string>, Format, (size: number) => string][] = [
  ['POST', '/autodiscover/autodiscover.xml', 64 * KiB, { 'Content-Type': 'text/xml' }, 'text', (n) => `<Autodiscover>${' '.repeat(n - 29)}</Autodiscover>`],
  ['POST', '/AutoDiscover/AutoDiscover.xml', 64 * KiB, {}, 'text', (n) => `<Autodiscover>${' '.repeat(n - 29)}</Autodiscover>`],
  ['POST', '/autodiscover.xml', 64 * KiB, {}, 'text', (n) => `<Autodiscover>${' '.repeat(n - 29)}</Autodiscover>`],
  ['POST', '/mobileconfig', 16 * KiB, FORM, 'text', (n) => `emailaddress=alice%40example.com&x=${'x'.repeat(n - 35)}`],
  ['POST', '/email.mobileconfig', 16 * KiB, FORM, 'text', (n) => `emailaddress=alice%40example.com&x=${'x'.repeat(n - 35)}`],
  ['POST', '/initdb/', 5 * MiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['POST', '/admin/import', 5 * MiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['POST', '/admin/import?replace=true', 5 * MiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['POST', '/admin/providers', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['PUT', '/admin/providers/1', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['POST', '/admin/domains', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['PUT', '/admin/domains/example.com/activesync', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['POST', '/admin/servers', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['PUT', '/admin/davservers/1', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
  ['POST', '/admin/ldapservers', 64 * KiB, JSON_ADMIN, 'json', (n) => `{}${' '.repeat(n - 2)}`],
]

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + 8 * KiB))
      offset += 8 * KiB
    },
  })
}

/** What each route calls the body it refuses. */
const nameOfBody = (path: string) =>
  path.startsWith('/initdb') ? 'seed document' : path.startsWith('/admin') ? 'body' : /autodiscover/i.test(path) ? 'request body' : 'form'

async function expectTooLarge(response: Response, format: Format, limit: number, path: string): Promise<void> {
  expect(response.status).toBe(413)
  const body = await response.text()
  const message = format === 'json' ? (JSON.parse(body) as { error: string }).error : body
  expect(message).toBe(`the ${nameOfBody(path)} is larger than ${limit} bytes`)
}

describe('request body limits', () => {
  it.each(LIMITS)('%s %s: %i bytes at most', async (method, path, limit, headers, format, bodyOf) => {
    const before = await tableContents()
    expect(new TextEncoder().encode(bodyOf(limit)).length).toBe(limit)

    await expectTooLarge(await request(path, { method, headers, body: bodyOf(limit + 1) }), format, limit, path)
    const streamed = await request(path, { method, headers, body: streamOf(bodyOf(limit + 1)), duplex: 'half' } as RequestInit)
    await expectTooLarge(streamed, format, limit, path)

    const atLimit = await request(path, { method, headers, body: bodyOf(limit) })
    expect(atLimit.status).not.toBe(413)
    expect(atLimit.status).toBeLessThan(500)
    expect(await tableContents()).toEqual(before)
  })
})
