import { describe, expect, it } from 'vitest'
import { escapeFilterValue, fillSearchFilter } from '../../src/directory/filter'

// RFC 4515 §3: `*` `(` `)` `\` NUL are escaped as \2a \28 \29 \5c \00; nothing else is.
describe('escapeFilterValue', () => {
  it.each([
    ['plain address', 'john.doe@example.com', 'john.doe@example.com'],
    ['wildcard', '*@example.com', '\\2a@example.com'],
    ['wildcard inside', 'a*b@example.com', 'a\\2ab@example.com'],
    ['filter injection', 'a)(uid=*)@example.com', 'a\\29\\28uid=\\2a\\29@example.com'],
    ['closing the filter early', '*))(|(uid=*', '\\2a\\29\\29\\28|\\28uid=\\2a'],
    ['backslash', 'a\\@example.com', 'a\\5c@example.com'],
    ['an escape sequence typed by the user stays literal', 'a\\2a@example.com', 'a\\5c2a@example.com'],
    ['NUL', 'a\u0000b@example.com', 'a\\00b@example.com'],
    ['every special at once', '*()\\\u0000', '\\2a\\28\\29\\5c\\00'],
    ['UTF-8 stays as it is', 'jürgen@bücher.example', 'jürgen@bücher.example'],
    ['other punctuation stays', "o'neil+tag&x=1|!~<>@example.com", "o'neil+tag&x=1|!~<>@example.com"],
    ['empty', '', ''],
  ])('%s', (_what, input, expected) => {
    expect(escapeFilterValue(input)).toBe(expected)
  })

  it('leaves no unescaped metacharacter in any output', () => {
    const inputs = ['*', '(', ')', '\\', '\u0000', '**((', 'x)(y', '\\\\*']
    for (const input of inputs) {
      // After removing the escapes it wrote, none of the five may remain.
      expect(escapeFilterValue(input).replace(/\\(2a|28|29|5c|00)/g, '')).not.toMatch(/[*()\\\u0000]/)
    }
  })
})

describe('fillSearchFilter', () => {
  it.each([
    ['automx2 default', '(mail={0})', 'john@example.com', '(mail=john@example.com)'],
    ['compound filter', '(&(objectClass=inetOrgPerson)(mail={0}))', '*@example.com', '(&(objectClass=inetOrgPerson)(mail=\\2a@example.com))'],
    ['every {0} is replaced', '(|(mail={0})(mailAlternateAddress={0}))', 'a(b@example.com', '(|(mail=a\\28b@example.com)(mailAlternateAddress=a\\28b@example.com))'],
    ['a value holding {0} is not expanded again', '(mail={0})', '{0}@example.com', '(mail={0}@example.com)'],
    ['$ patterns are not special', '(mail={0})', "$&$'$`@example.com", "(mail=$&$'$`@example.com)"],
  ])('%s', (_what, template, value, expected) => {
    expect(fillSearchFilter(template, value)).toBe(expected)
  })
})
