/**
 * LDAP search filters from the `ldapserver.search_filter` template (automx2's `{0}` placeholder).
 * Spec: RFC 4515 §3 — in a filter value, `*`, `(`, `)`, `\` and NUL must be written as `\2a`,
 * `\28`, `\29`, `\5c` and `\00`. Everything else (UTF-8 included) may stand as it is.
 */

/** The placeholder automx2 replaces with the user's address. */
const ADDRESS_PLACEHOLDER = '{0}'

const SPECIAL = /[*()\\\u0000]/g
const ESCAPES: Record<string, string> = { '*': '\\2a', '(': '\\28', ')': '\\29', '\\': '\\5c', '\u0000': '\\00' }

/**
 * Escapes a value for use inside a filter, so it can only ever be compared literally: no
 * wildcard, no extra filter term, no early end of the filter (RFC 4515 §3, `valueencoding`).
 */
export function escapeFilterValue(value: string): string {
  return value.replace(SPECIAL, (char) => ESCAPES[char] ?? char)
}

/** Replaces every `{0}` in the template with the escaped value. */
export function fillSearchFilter(template: string, value: string): string {
  return template.split(ADDRESS_PLACEHOLDER).join(escapeFilterValue(value))
}
