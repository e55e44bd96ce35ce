import { XMLParser } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import {
  ERROR_MEANING,
  formatErrorTime,
  renderAutodiscoverError,
  serverIdFor,
  type AutodiscoverErrorCode,
} from '../../../src/protocols/autodiscover/error-document'

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false })
const STAMP = { time: '16:56:32.616', id: 1054084152 }

describe('renderAutodiscoverError', () => {
  // §2.5: Autodiscover/Response/Error with Time and Id, ErrorCode and Message (MS-ASCMD shape).
  it.each(Object.entries(ERROR_MEANING))('writes ErrorCode %s in the §2.5 shape', (code, meaning) => {
    const document = renderAutodiscoverError(Number(code) as AutodiscoverErrorCode, meaning, STAMP)
    const root = parser.parse(document).Autodiscover
    expect(root['@xmlns']).toBe('http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006')
    expect(root.Response).toEqual({
      Error: { '@Time': '16:56:32.616', '@Id': '1054084152', ErrorCode: code, Message: meaning },
    })
  })

  it('escapes the message and writes no empty DebugData element (§5.9)', () => {
    const document = renderAutodiscoverError(601, 'schema <urn:x&y> is "odd"', STAMP)
    expect(document).toContain('<Message>schema &lt;urn:x&amp;y&gt; is &quot;odd&quot;</Message>')
    expect(document).not.toContain('DebugData')
    expect(document).not.toMatch(/<\w+[^>]*\/>/)
  })
})

describe('formatErrorTime', () => {
  // §2.5: Time is hh:mm:ss[.fraction].
  it.each([
    ['2026-11-24T16:56:32.616Z', '16:56:32.616'],
    ['2026-01-01T00:00:00.000Z', '00:00:00.000'],
    ['2026-12-31T23:59:59.999Z', '23:59:59.999'],
  ])('%s → %s', (iso, expected) => {
    expect(formatErrorTime(new Date(iso))).toBe(expected)
  })
})

describe('serverIdFor', () => {
  // §2.5: Id is an unsigned integer identifying the server; stable, so nothing random is sent.
  it('is a stable unsigned 32-bit integer per host, whatever its letter case', () => {
    const id = serverIdFor('autodiscover.example.com')
    expect(Number.isInteger(id) && id >= 0 && id <= 0xffffffff).toBe(true)
    expect(serverIdFor('AutoDiscover.Example.COM')).toBe(id)
    expect(serverIdFor('autodiscover.example.net')).not.toBe(id)
  })

  it('matches FNV-1a for known inputs', () => {
    expect(serverIdFor('')).toBe(0x811c9dc5)
    expect(serverIdFor('a')).toBe(0xe40c292c)
  })
})
