import { describe, expect, it } from 'vitest'
import { loggablePath } from '../../src/app/log'

describe('loggablePath', () => {
  it.each([
    ['/mail/config-v1.1.xml', '/mail/config-v1.1.xml'],
    ['/autodiscover/autodiscover.json/v1.0/alice@example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/autodiscover/autodiscover.json/v1.0/alice%40example.com', '/autodiscover/autodiscover.json/v1.0/<address>'],
    ['/x/alice%40example.com/y', '/x/<address>/y'],
    ['/', '/'],
  ])('%s → %s', (path, expected) => {
    expect(loggablePath(path)).toBe(expected)
  })
})
