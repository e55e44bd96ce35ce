/**
 * What an Apple profile says, signed or not (docs/clients.md §3.1, §3.6): an unsigned profile is
 * the plist itself; a signed one is DER CMS SignedData with the plist attached, whose signing time
 * differs with every download, so two profiles are compared by their plists.
 */
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms'
import { AsnConstructedOctetStringConverter, AsnConvert, AsnSchemaValidationError } from '@peculiar/asn1-schema'
import { fail, ok, type Result } from '../core/result'

export interface ProfileContent {
  readonly signed: boolean
  readonly plist: string
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

type OctetStringBlock = Parameters<typeof AsnConstructedOctetStringConverter.fromASN>[0]

/**
 * The encapsulated content when it is a constructed OCTET STRING, in pieces (BER, as PKI.js and
 * `openssl cms -stream` write it): asn1-cms leaves that form as raw bytes, and its OctetString class
 * reads only the primitive form. asn1-schema hands a class with fromASN the decoded block as is.
 */
class ConstructedContent {
  bytes = new ArrayBuffer(0)

  fromASN(block: OctetStringBlock): this {
    if (block.idBlock.tagClass !== 1 || block.idBlock.tagNumber !== 4) throw new Error('the encapsulated content is not an OCTET STRING')
    this.bytes = AsnConstructedOctetStringConverter.fromASN(block).buffer
    return this
  }

  toASN(): OctetStringBlock {
    throw new Error('ConstructedContent is only read, never written')
  }
}

export function profileContent(body: Uint8Array): Result<ProfileContent, string> {
  const start = decoder.decode(body.slice(0, 5).filter((byte) => byte < 0x80))
  if (start.startsWith('<?xml')) {
    try {
      return ok({ signed: false, plist: decoder.decode(body) })
    } catch {
      return fail('the profile is not valid UTF-8')
    }
  }
  let info: ContentInfo
  try {
    info = AsnConvert.parse(body, ContentInfo)
  } catch (error) {
    // asn1-schema throws its validation error for BER of another shape, a plain Error for bytes
    // that are not BER at all.
    if (error instanceof AsnSchemaValidationError) return fail(`not a readable signed profile: ${error.message}`)
    return fail('neither a plist nor DER: not a profile')
  }
  try {
    if (info.contentType !== id_signedData) return fail(`a CMS ContentInfo of type ${info.contentType}, not SignedData`)
    const content = AsnConvert.parse(info.content, SignedData).encapContentInfo.eContent
    if (!content) return fail('signed, but without the profile attached (§3.6 needs it attached)')
    const bytes = content.single ? content.single.buffer : content.any ? AsnConvert.parse(content.any, ConstructedContent).bytes : new ArrayBuffer(0)
    return ok({ signed: true, plist: decoder.decode(bytes) })
  } catch (error) {
    return fail(`not a readable signed profile: ${error instanceof Error ? error.message : String(error)}`)
  }
}
