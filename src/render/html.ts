/**
 * A tagged template for HTML, the same idea as render/xml.ts (and Hono's html helper): every
 * interpolated value is escaped unless it is a fragment this template built, arrays are joined,
 * and null/undefined/false render nothing. Values only ever land in text or in double-quoted
 * attribute values, where escaping `& < > " '` is sufficient.
 */
export class HtmlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type HtmlValue = HtmlFragment | string | number | boolean | null | undefined | readonly HtmlValue[]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function renderValue(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof HtmlFragment) return value.text
  if (Array.isArray(value)) return value.map(renderValue).join('')
  return escapeHtml(String(value))
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): HtmlFragment {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '')
  })
  return new HtmlFragment(out)
}
