import { describe, expect, it } from 'vitest'
import { validateMobileconfig } from '../../src/client-rules/mobileconfig'

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
const header = (type: string, id: string, uuid: string) =>
  `<key>PayloadType</key><string>${type}</string><key>PayloadVersion</key><integer>1</integer><key>PayloadIdentifier</key><string>${id}</string><key>PayloadUUID</key><string>${uuid}</string>`
const MAIL_KEYS = (extra = '', auth = 'EmailAuthPassword', host = 'imap.example.net') =>
  `<key>EmailAccountType</key><string>EmailTypeIMAP</string><key>IncomingMailServerHostName</key><string>${host}</string><key>IncomingMailServerAuthentication</key><string>${auth}</string><key>OutgoingMailServerHostName</key><string>smtp.example.net</string><key>OutgoingMailServerAuthentication</key><string>EmailAuthPassword</string>${extra}`
const U1 = '00000000-0000-5000-8000-000000000001'
const U2 = '00000000-0000-5000-8000-000000000002'
const doc = (payloads: string, top = header('Configuration', 'net.example.p', U1)) =>
  `${HEAD}<plist version="1.0"><dict>${top}<key>PayloadContent</key><array>${payloads}</array></dict></plist>`
const mail = (extra?: string, id = 'net.example.p.mail', uuid = U2, auth?: string, host?: string) =>
  `<dict>${header('com.apple.mail.managed', id, uuid)}${MAIL_KEYS(extra, auth, host)}</dict>`

// The validator is only worth something if it catches each rule; one broken profile per rule.
describe('validateMobileconfig', () => {
  it('accepts a minimal valid profile', () => {
    expect(validateMobileconfig(doc(mail()))).toEqual([])
  })

  it.each([
    ['not a well-formed', 'malformed XML', doc(mail()).replace('</dict></plist>', '</plist>')],
    ['§3.2', 'a wrong top-level type', doc(mail(), header('Profile', 'net.example.p', U1))],
    ['§3.2', 'a repeated PayloadIdentifier', doc(mail(undefined, 'net.example.p'))],
    ['§3.2', 'a repeated PayloadUUID', doc(mail(undefined, 'net.example.p.mail', U1))],
    ['§3.2', 'a UUID that is not one', doc(mail(undefined, 'net.example.p.mail', 'random'))],
    ['§3.2', 'a PayloadVersion that is a string', doc(mail().replace('<integer>1</integer>', '<string>1</string>'))],
    ['§3.2', 'an unknown key (typo)', doc(mail('<key>IncomingMailServerUseSsl</key><true/>'))],
    ['§3.2', 'no PayloadContent', `${HEAD}<plist version="1.0"><dict>${header('Configuration', 'p', U1)}</dict></plist>`],
    ['§3.3', 'an empty string value', doc(mail('<key>EmailAccountName</key><string></string>'))],
    ['§3.3', 'an unknown authentication', doc(mail(undefined, undefined, undefined, 'EmailAuthOAuth'))],
    ['§3.3', 'a URL as host name', doc(mail(undefined, undefined, undefined, undefined, 'imaps://imap.example.net'))],
    ['§3.3', 'a port written as a string', doc(mail('<key>IncomingMailServerPortNumber</key><string>993</string>'))],
    ['§3.3', 'UseSSL written as a string', doc(mail('<key>OutgoingMailServerUseSSL</key><string>true</string>'))],
    ['§3.4', 'a URL as CalDAV host name', doc(mail() + `<dict>${header('com.apple.caldav.account', 'net.example.p.caldav.0', '00000000-0000-5000-8000-000000000003')}<key>CalDAVHostName</key><string>https://dav.example.net/</string></dict>`)],
  ])('flags %s: %s', (section, _what, document) => {
    const problems = validateMobileconfig(document)
    expect(problems.some((p) => p.startsWith(section))).toBe(true)
  })
})
