/**
 * A tagged template for HTML (interpolation rules: template.ts). Values only ever land in
 * text or in double-quoted attribute values, where escaping `& < > " '` is sufficient.
 */
import { interpolate, type TemplateRules, type TemplateValue } from './template'

export class HtmlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type HtmlValue = TemplateValue<HtmlFragment>

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

const HTML_RULES: TemplateRules<HtmlFragment> = {
  isFragment: (value): value is HtmlFragment => value instanceof HtmlFragment,
  escape: escapeHtml,
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): HtmlFragment {
  return new HtmlFragment(interpolate(HTML_RULES, strings, values))
}
