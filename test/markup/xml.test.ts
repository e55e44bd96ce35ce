import { describe, expect, it } from 'vitest'
import { escapeXml, xml, xmlDocument } from '../../src/markup/xml'

describe('xml template', () => {
  it('escapes every interpolated string', () => {
    expect(xml`<a t="${'"\'&'}">${'<b>&</b>'}</a>`.text).toBe('<a t="&quot;&apos;&amp;">&lt;b&gt;&amp;&lt;/b&gt;</a>')
  })

  it('nests fragments without escaping them twice', () => {
    const inner = xml`<b>${'&'}</b>`
    expect(xml`<a>${inner}</a>`.text).toBe('<a><b>&amp;</b></a>')
  })

  it('joins arrays and skips null, undefined and false', () => {
    expect(xml`<a>${['x', xml`<y/>`, null, undefined, false, 3]}</a>`.text).toBe('<a>x<y/>3</a>')
  })

  // XML 1.0 §2.2: control characters are not allowed even as references.
  it('replaces characters XML cannot carry', () => {
    expect(escapeXml('a\u0000b\u001bc\td')).toBe('a\ufffdb\ufffdc\td')
  })

  it('prefixes the declaration', () => {
    expect(xmlDocument(xml`<r/>`)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<r/>\n')
  })
})
