/**
 * A tagged template for XML: every interpolated value is escaped unless it is a fragment built by
 * this template, arrays are joined, and null/undefined/false render nothing. Escaping by
 * construction means no renderer can forget it (the idea of Hono's html helper).
 */
export class XmlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type XmlValue = XmlFragment | string | number | boolean | null | undefined | readonly XmlValue[]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

// XML 1.0 §2.2: these code points may not appear in a document at all, escaped or not.
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu

export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\ufffd').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function renderValue(value: XmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof XmlFragment) return value.text
  if (Array.isArray(value)) return value.map(renderValue).join('')
  return escapeXml(String(value))
}

export function xml(strings: TemplateStringsArray, ...values: readonly XmlValue[]): XmlFragment {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '')
  })
  return new XmlFragment(out)
}

/** The final document text: XML declaration, root element, trailing newline. */
export function xmlDocument(root: XmlFragment): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root.text}\n`
}
