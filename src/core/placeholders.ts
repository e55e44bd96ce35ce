/**
 * Mozilla-style placeholders (protocols.md §1.4 "Placeholders"). Autoconfig documents keep them for
 * the client to expand; Autodiscover and mobileconfig expand them here, because those clients don't.
 */
import type { EmailAddress } from './model'

export const EMAILADDRESS = '%EMAILADDRESS%'
export const EMAILLOCALPART = '%EMAILLOCALPART%'
export const EMAILDOMAIN = '%EMAILDOMAIN%'

const PLACEHOLDER = /%EMAILADDRESS%|%EMAILLOCALPART%|%EMAILDOMAIN%/g

export function expandPlaceholders(template: string, who: EmailAddress): string {
  return template.replace(PLACEHOLDER, (name) =>
    name === EMAILADDRESS ? who.address : name === EMAILLOCALPART ? who.localPart : who.domain,
  )
}
