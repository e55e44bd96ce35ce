/**
 * Autodiscover v2 (JSON, docs/clients.md §2.9): it only points to another endpoint, the v1 POX URL of
 * this service or the domain's ActiveSync URL. Pure: returns the status and the object the route
 * hands to `c.json` (JSON is never written by hand).
 */

/** The `Protocol` values this service answers, in Microsoft's spelling. */
export type V2Protocol = 'AutodiscoverV1' | 'ActiveSync'

const V2_PROTOCOLS: readonly V2Protocol[] = ['AutodiscoverV1', 'ActiveSync']
const SUPPORTED = V2_PROTOCOLS.join(',')

export type V2Body =
  | { readonly Protocol: V2Protocol; readonly Url: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string }

export interface V2Answer {
  readonly status: 200 | 400 | 404
  readonly body: V2Body
}

/** Quirk(Outlook 2019): it sends `Protocol=Autodiscoverv1`, so the value is matched in any case (§2.9). */
export function parseV2Protocol(value: string | null): V2Protocol | null {
  const wanted = value?.trim().toLowerCase()
  return V2_PROTOCOLS.find((p) => p.toLowerCase() === wanted) ?? null
}

/** The InvalidProtocol error; the echoed value is cut to letters and digits (never raw input). */
export function invalidProtocol(value: string | null): V2Answer {
  const shown = (value ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 40)
  return {
    status: 400,
    body: {
      ErrorCode: 'InvalidProtocol',
      ErrorMessage: `The given protocol value '${shown}' is invalid. Supported values are '${SUPPORTED}'`,
    },
  }
}

export function v2Error(status: 400 | 404, code: string, message: string): V2Answer {
  return { status, body: { ErrorCode: code, ErrorMessage: message } }
}

/**
 * `host` is this service's host name as the client addressed it; the POX URL is always https
 * (MS-OXDSCLI: the server answers POST on https://<Server>/autodiscover/autodiscover.xml).
 */
export function answerAutodiscoverV2(protocol: V2Protocol, host: string, activeSyncUrl: string | null): V2Answer {
  if (protocol === 'AutodiscoverV1') {
    return { status: 200, body: { Protocol: 'AutodiscoverV1', Url: `https://${host}/autodiscover/autodiscover.xml` } }
  }
  // §2.8: never advertise an ActiveSync URL that does not exist.
  if (activeSyncUrl === null) {
    return v2Error(400, 'InvalidProtocol', `ActiveSync is not offered for this domain. Supported values are 'AutodiscoverV1'`)
  }
  return { status: 200, body: { Protocol: 'ActiveSync', Url: activeSyncUrl } }
}
