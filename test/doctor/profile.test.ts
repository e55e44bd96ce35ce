import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { describe, expect, it } from 'vitest'
import { profileContent } from '../../src/doctor/profile'
import { profileSigner } from '../../src/protocols/apple/sign'
import { issue } from '../support/test-certificates'

const PLIST = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict/></plist>\n'
const encoder = new TextEncoder()

describe('profileContent', () => {
  it('reads an unsigned profile as it is', () => {
    expect(profileContent(encoder.encode(PLIST))).toEqual({ ok: true, value: { signed: false, plist: PLIST } })
  })

  it('reads the plist out of a signed one (§3.6), whatever its signing time', async () => {
    const root = await issue('doctor root', 'EC')
    const leaf = await issue('doctor signer', 'EC', root)
    const setup = await profileSigner({ MOBILECONFIG_SIGNING_CERT: leaf.certPem, MOBILECONFIG_SIGNING_KEY: leaf.keyPem })
    if (setup.kind !== 'ready') throw new Error(`signing: ${setup.kind}`)
    const [first, second] = await Promise.all([setup.signer.sign(encoder.encode(PLIST), new Date('2026-01-01')), setup.signer.sign(encoder.encode(PLIST), new Date('2026-02-01'))])
    expect(first).not.toEqual(second)
    expect(profileContent(first)).toEqual({ ok: true, value: { signed: true, plist: PLIST } })
    expect(profileContent(second)).toEqual(profileContent(first))
  })

  it('reads the plist out of a SignedData whose content is a constructed OCTET STRING in pieces (BER, as PKI.js wrote it)', () => {
    // PKI.js, which signed profiles before @peculiar/asn1-cms, cuts the content into 64 KiB pieces;
    // `openssl cms -stream` writes pieces too. Unsigned here: the doctor reads, it does not verify.
    const plist = PLIST.replace('<dict/>', `<dict><key>k</key><string>${'Grüße '.repeat(12_000)}</string></dict>`)
    const signed = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1', eContent: new asn1js.OctetString({ valueHex: encoder.encode(plist) }) }),
    })
    const der = new Uint8Array(new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signed.toSchema(true) }).toSchema().toBER())
    expect(signed.encapContentInfo.eContent?.idBlock.isConstructed).toBe(true)
    expect(signed.encapContentInfo.eContent?.valueBlock.value.length).toBeGreaterThan(1)
    expect(profileContent(der)).toEqual({ ok: true, value: { signed: true, plist } })
  })

  it.each([
    ['HTML', encoder.encode('<html>not found</html>')],
    ['random bytes', new Uint8Array([0x30, 0x82, 0xff, 0x00, 0x01])],
    ['nothing', new Uint8Array()],
  ])('refuses %s with a reason', (_case, body) => {
    const read = profileContent(body)
    expect(read.ok).toBe(false)
  })
})
