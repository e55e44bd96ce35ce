/**
 * `Authorization: Bearer <token>` and its comparison in constant time, for every token-guarded
 * route: the admin API (admin/auth.ts) and GET /metrics (app/metrics.ts).
 */

const encoder = new TextEncoder()

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
}

/**
 * Compares SHA-256 digests byte by byte without an early exit, so the time taken tells nothing
 * about how much of a guess was right, nor (digests being fixed-size) about the token's length.
 */
export async function tokensMatch(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)])
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return difference === 0
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '')
  return match?.[1] ?? null
}
