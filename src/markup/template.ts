/**
 * The interpolation shared by the xml and html tagged templates: every value is escaped unless it
 * is a fragment the same template built, arrays are joined, and null/undefined/false render
 * nothing. Escaping by construction means no renderer can forget it (the idea of Hono's html helper).
 */
export type TemplateValue<F> = F | string | number | boolean | null | undefined | readonly TemplateValue<F>[]

export interface TemplateRules<F extends { readonly text: string }> {
  readonly isFragment: (value: unknown) => value is F
  readonly escape: (text: string) => string
}

export function interpolate<F extends { readonly text: string }>(
  rules: TemplateRules<F>,
  strings: TemplateStringsArray,
  values: readonly TemplateValue<F>[],
): string {
  const render = (value: TemplateValue<F>): string => {
    if (value === null || value === undefined || value === false) return ''
    if (rules.isFragment(value)) return value.text
    if (Array.isArray(value)) return value.map(render).join('')
    return rules.escape(String(value))
  }
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '')
  })
  return out
}
