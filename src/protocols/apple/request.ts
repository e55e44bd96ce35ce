/**
 * The fields of a profile request (GET query or POST form): `emailaddress`, optional `name`,
 * optional `password` (automx2's names, docs/clients.md §3.1). Validation only; whether a password
 * may be used is the route's decision. Error messages never quote the password.
 */
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress } from '../../core/address'
import type { EmailAddress } from '../../core/model'
import { fail, ok, type Result } from '../../core/result'

export const FIELD = { address: 'emailaddress', name: 'name', password: 'password' } as const

export interface RawProfileFields {
  readonly address: string | null
  readonly name: string | null
  readonly password: string | null
}

export interface ProfileRequest {
  readonly who: EmailAddress
  readonly name: string | null
  /** As typed (not trimmed: spaces can belong to a password); null when absent or empty. */
  readonly password: string | null
}

// Display names: the autoconfig draft caps provider names at 60; a person's name gets more room.
const MAX_NAME = 100
// Long enough for any passphrase; bounded so the field cannot be used to inflate the profile.
const MAX_PASSWORD = 1024
const CONTROL = /[\u0000-\u001f\u007f]/

export function parseProfileFields(raw: RawProfileFields): Result<ProfileRequest, string> {
  const address = parseEmailAddress(raw.address)
  if (!address.ok) return fail(`${FIELD.address}: ${ADDRESS_ERROR_MESSAGES[address.error]}`)
  const name = raw.name?.trim() || null
  if (name !== null && name.length > MAX_NAME) return fail(`${FIELD.name} must be at most ${MAX_NAME} characters`)
  if (name !== null && CONTROL.test(name)) return fail(`${FIELD.name} must not contain control characters`)
  const password = raw.password || null
  if (password !== null && password.length > MAX_PASSWORD) return fail(`${FIELD.password} must be at most ${MAX_PASSWORD} characters`)
  if (password !== null && CONTROL.test(password)) return fail(`${FIELD.password} must not contain control characters`)
  return ok({ who: address.value, name, password })
}

/** automx2's opt-in value, spelled exactly; anything else leaves passwords off. */
const PASSWORD_OPT_IN = 'I_understand_the_risks'

/**
 * Whether a password may go into a profile for this request: only with the operator's opt-in,
 * and only where it cannot be sniffed on the way (https, or a loopback host). The landing page
 * shows its password field exactly when this says `accepted`, so a password never crosses plain
 * http only to be refused.
 */
export function passwordPolicy(setting: string | undefined, https: boolean, loopback: boolean): 'off' | 'needs-https' | 'accepted' {
  if (setting !== PASSWORD_OPT_IN) return 'off'
  return https || loopback ? 'accepted' : 'needs-https'
}
