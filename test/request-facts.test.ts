import { describe, expect, it } from 'vitest'
import { isLoopbackHost } from '../src/request-facts'

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['localhost:8787', true],
    ['127.0.0.1:4243', true],
    ['127.1.2.3', true],
    ['[::1]:8787', true],
    ['app.localhost', true],
    ['example.com', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
