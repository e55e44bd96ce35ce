import { describe, expect, it } from 'vitest'
import { escapeHtml, html } from '../../src/markup/html'

describe('html template', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['" onfocus="x', '&quot; onfocus=&quot;x'],
    ["'&'", '&#39;&amp;&#39;'],
  ])('escapes %s', (value, escaped) => {
    expect(escapeHtml(value)).toBe(escaped)
    expect(html`<p title="${value}">${value}</p>`.text).toBe(`<p title="${escaped}">${escaped}</p>`)
  })

  it('nests fragments unescaped, joins arrays, skips null/undefined/false', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`)
    expect(html`<ul>${items}${null}${undefined}${false}${0}</ul>`.text).toBe('<ul><li>a&lt;</li><li>b</li>0</ul>')
  })
})
