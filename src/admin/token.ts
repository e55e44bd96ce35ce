/** Bearer-token check for the admin routes, in constant time. */

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

/** Shorter tokens can be guessed; a generated one (`openssl rand -hex 32`) is 64 characters. */
export const MIN_ADMIN_TOKEN_LENGTH = 16

/** Why a configured ADMIN_TOKEN is not good enough, or null. Names the setting, never the value. */
export function adminTokenProblem(token: string): string | null {
  return token.length < MIN_ADMIN_TOKEN_LENGTH ? `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (for example \`openssl rand -hex 32\`)` : null
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '')
  return match?.[1] ?? null
}
