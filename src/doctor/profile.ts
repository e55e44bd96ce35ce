/**
 * What an Apple profile says, signed or not (docs/clients.md §3.1, §3.6): an unsigned profile is
 * the plist itself; a signed one is DER CMS SignedData with the plist attached, whose signing time
 * differs with every download, so two profiles are compared by their plists.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { fail, ok, type Result } from '../core/result'

export interface ProfileContent {
  readonly signed: boolean
  readonly plist: string
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

export function profileContent(body: Uint8Array): Result<ProfileContent, string> {
  const start = decoder.decode(body.slice(0, 5).filter((byte) => byte < 0x80))
  if (start.startsWith('<?xml')) {
    try {
      return ok({ signed: false, plist: decoder.decode(body) })
    } catch {
      return fail('the profile is not valid UTF-8')
    }
  }
  try {
    const asn1 = asn1js.fromBER(body.slice().buffer)
    if (asn1.offset === -1) return fail('neither a plist nor DER: not a profile')
    const info = new pkijs.ContentInfo({ schema: asn1.result })
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) return fail(`a CMS ContentInfo of type ${info.contentType}, not SignedData`)
    const signed = new pkijs.SignedData({ schema: info.content })
    const content = signed.encapContentInfo.eContent
    if (!content) return fail('signed, but without the profile attached (§3.6 needs it attached)')
    return ok({ signed: true, plist: decoder.decode(content.getValue()) })
  } catch (error) {
    return fail(`not a readable signed profile: ${error instanceof Error ? error.message : String(error)}`)
  }
}
