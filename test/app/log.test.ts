import { describe, expect, it } from 'vitest'
import { loggablePath } from '../../src/app/log'

describe('loggablePath', () => {
  it.each([
    ['/mail/config-v1.1.xml', '/mail/config-v1.1.xml'],
    ['/autodiscover/autodiscover.json/v1.0/alice@example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/autodiscover/autodiscover.json/v1.0/alice%40example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/x/alice%40example.com/y', '/x/<address>/y'],
    ['/', '/'],
    // Encoded more than once (the v2 path form decodes once; the log must not keep it either way).
    ['/autodiscover/autodiscover.json/v1.0/alice%2540example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/autodiscover/autodiscover.json/v1.0/alice%252540example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/autodiscover/autodiscover.json/v1.0/alice%25%34%30example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/autodiscover/autodiscover.json/v1.0/alice%2525252525252540example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    // Percent-encoded text without an @ stays readable; a malformed escape is kept as sent.
    ['/mail/config%2Dv1.1.xml', '/mail/config%2Dv1.1.xml'],
    ['/x/100%/y', '/x/100%/y'],
  ])('%s → %s', (path, expected) => {
    expect(loggablePath(path)).toBe(expected)
  })
})
