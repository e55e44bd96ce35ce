import { describe, expect, it } from 'vitest'
import { answerAutodiscoverV2, invalidProtocol, parseV2Protocol, v2Error } from '../../../src/protocols/autodiscover/v2-render'

const EAS = 'https://eas.example.net/Microsoft-Server-ActiveSync'

describe('parseV2Protocol', () => {
  // §2.9: Outlook 2019 sent `Autodiscoverv1`; the value is matched in any case.
  it.each([
    ['AutodiscoverV1', 'AutodiscoverV1'],
    ['Autodiscoverv1', 'AutodiscoverV1'],
    ['AUTODISCOVERV1', 'AutodiscoverV1'],
    ['ActiveSync', 'ActiveSync'],
    ['activesync', 'ActiveSync'],
    [' ActiveSync ', 'ActiveSync'],
    ['EWS', null],
    ['Rest', null],
    ['AutodiscoverV2', null],
    ['', null],
    [null, null],
  ])('%s → %s', (value, expected) => {
    expect(parseV2Protocol(value)).toBe(expected)
  })
})

describe('answerAutodiscoverV2', () => {
  // §2.9 response shapes.
  it('points AutodiscoverV1 at this host’s POX URL over https', () => {
    expect(answerAutodiscoverV2('AutodiscoverV1', 'autodiscover.example.net', null)).toEqual({
      status: 200,
      body: { Protocol: 'AutodiscoverV1', Url: 'https://autodiscover.example.net/autodiscover/autodiscover.xml' },
    })
  })

  it('points ActiveSync at the domain’s ActiveSync URL', () => {
    expect(answerAutodiscoverV2('ActiveSync', 'autodiscover.example.net', EAS)).toEqual({
      status: 200,
      body: { Protocol: 'ActiveSync', Url: EAS },
    })
  })

  // §2.8: never advertise an ActiveSync URL that does not exist.
  it('answers ActiveSync without a URL with 400 InvalidProtocol', () => {
    expect(answerAutodiscoverV2('ActiveSync', 'autodiscover.example.net', null)).toEqual({
      status: 400,
      body: { ErrorCode: 'InvalidProtocol', ErrorMessage: expect.stringContaining("Supported values are 'AutodiscoverV1'") },
    })
  })
})

describe('invalidProtocol', () => {
  // §2.9: the InvalidProtocol body; the echoed value is filtered, never raw.
  it.each([
    ['EWS', "The given protocol value 'EWS' is invalid. Supported values are 'AutodiscoverV1,ActiveSync'"],
    ['<script>"x"</script>', "The given protocol value 'scriptxscript' is invalid. Supported values are 'AutodiscoverV1,ActiveSync'"],
    [null, "The given protocol value '' is invalid. Supported values are 'AutodiscoverV1,ActiveSync'"],
  ])('answers %s with 400 InvalidProtocol', (value, message) => {
    expect(invalidProtocol(value)).toEqual({ status: 400, body: { ErrorCode: 'InvalidProtocol', ErrorMessage: message } })
  })

  it('cuts a long value short', () => {
    const { body } = invalidProtocol('x'.repeat(1000))
    expect('ErrorMessage' in body && body.ErrorMessage.length).toBeLessThan(150)
  })
})

describe('v2Error', () => {
  it('builds the ErrorCode/ErrorMessage body with its status', () => {
    expect(v2Error(404, 'NotFound', 'no mail configuration for x.example')).toEqual({
      status: 404,
      body: { ErrorCode: 'NotFound', ErrorMessage: 'no mail configuration for x.example' },
    })
  })
})
