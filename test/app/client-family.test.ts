import { describe, expect, it } from 'vitest'
import { clientFamily, type ClientFamily } from '../../src/app/client-family'

const AUTOCONFIG = 'https://autoconfig.example.net/mail/config-v1.1.xml'

describe('clientFamily', () => {
  it.each<[ClientFamily, string | null, string]>([
    // Request signatures seen from the clients themselves (docs/clients.md §1.1, §1.2).
    ['evolution', null, `${AUTOCONFIG}?emailaddress=EVOLUTIONUSER%40example.net&emailmd5=0cc175b9c0f1b6a831c399e269772661`],
    ['evolution', 'libsoup/3.2.2', `${AUTOCONFIG}?emailaddress=a%40example.net&emailmd5=0cc175b9c0f1b6a831c399e269772661`],
    ['delta-chat', null, `${AUTOCONFIG}?emailaddress=first%2Dlast%40example.net`],
    // Product tokens in the User-Agent.
    ['thunderbird', 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Thunderbird/140.5.0', `${AUTOCONFIG}?emailaddress=a%40example.net`],
    ['thunderbird', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:156.0) Gecko/20100101 Thunderbird/156.0a1', AUTOCONFIG],
    ['thunderbird-android', 'okhttp/4.12.0', `${AUTOCONFIG}?emailaddress=a%40example.net`],
    ['thunderbird-android', 'K-9 Mail/6.800', AUTOCONFIG],
    ['outlook', 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)', 'https://autodiscover.example.net/autodiscover/autodiscover.xml'],
    ['apple', 'iOS/18.1 (22B83) accountsd/1.0', 'https://autodiscover.example.net/autodiscover/autodiscover.xml'],
    ['apple', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 'https://autoconfig.example.net/'],
    ['apple', 'Mail/3826.200.121 CFNetwork/1568.200.51 Darwin/24.1.0', 'https://autodiscover.example.net/autodiscover/autodiscover.xml'],
    ['kde', 'Mozilla/5.0 (X11; Linux x86_64) KHTML/5.103.0 (like Gecko) Konqueror/5 KIO/5.103', AUTOCONFIG],
    ['delta-chat', 'DeltaChat/2.57', AUTOCONFIG],
    // Nothing recognisable.
    ['unknown', null, AUTOCONFIG],
    ['unknown', '', AUTOCONFIG],
    ['unknown', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36', 'https://autoconfig.example.net/'],
    ['unknown', 'curl/8.5.0', `${AUTOCONFIG}?emailaddress=a%40example.net`],
    // A `-` escaped in the path is not Delta Chat's signature (it escapes the address only).
    ['unknown', null, 'https://autoconfig.example.net/mail/config%2Dv1.1.xml'],
  ])('%s ← User-Agent %j, %s', (family, userAgent, url) => {
    expect(clientFamily(userAgent, url)).toBe(family)
  })
})
