/** A tagged template for XML (interpolation rules: template.ts). */
import { interpolate, type TemplateRules, type TemplateValue } from './template'

export class XmlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type XmlValue = TemplateValue<XmlFragment>

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

// XML 1.0 §2.2: these code points may not appear in a document at all, escaped or not.
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu

export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\ufffd').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

const XML_RULES: TemplateRules<XmlFragment> = {
  isFragment: (value): value is XmlFragment => value instanceof XmlFragment,
  escape: escapeXml,
}

export function xml(strings: TemplateStringsArray, ...values: readonly XmlValue[]): XmlFragment {
  return new XmlFragment(interpolate(XML_RULES, strings, values))
}

/** The final document text: XML declaration, root element, trailing newline. */
export function xmlDocument(root: XmlFragment): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root.text}\n`
}
