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

  it.each([
    ['HTML', encoder.encode('<html>not found</html>')],
    ['random bytes', new Uint8Array([0x30, 0x82, 0xff, 0x00, 0x01])],
    ['nothing', new Uint8Array()],
  ])('refuses %s with a reason', (_case, body) => {
    const read = profileContent(body)
    expect(read.ok).toBe(false)
  })
})
