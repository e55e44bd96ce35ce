/**
 * Case-insensitive route paths. Hono matches paths case-sensitively, but Autodiscover clients do
 * not agree on letter case (`/Autodiscover/Autodiscover.xml`, `/AutoDiscover/AutoDiscover.xml`, …;
 * docs/clients.md §5.8, §5.8). Each literal segment becomes a parameter
 * whose pattern accepts any case, so matching stays in Hono's router and `c.req.path` and the URL
 * keep exactly what the client sent (user data is never read from a normalised path).
 */

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g

function anyCaseSegment(segment: string): string {
  return segment
    .replace(REGEX_SPECIAL, '\\$&')
    .replace(/[a-z]/gi, (ch) => `[${ch.toLowerCase()}${ch.toUpperCase()}]`)
}

/** `/autodiscover/autodiscover.xml` → a Hono path matching it in any letter case; `:params` stay. */
export function anyCasePath(path: string): string {
  return path
    .split('/')
    .map((segment, i) => (segment === '' || segment.startsWith(':') ? segment : `:_${i}{${anyCaseSegment(segment)}}`))
    .join('/')
}
