/** The admin token's own rule (its length); the comparison is app/bearer-token.ts. */

/** Shorter tokens can be guessed; a generated one (`openssl rand -hex 32`) is 64 characters. */
export const MIN_ADMIN_TOKEN_LENGTH = 16

/** Why a configured ADMIN_TOKEN is not good enough, or null. Names the setting, never the value. */
export function adminTokenProblem(token: string): string | null {
  return token.length < MIN_ADMIN_TOKEN_LENGTH ? `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (for example \`openssl rand -hex 32\`)` : null
}
