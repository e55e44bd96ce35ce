/**
 * The doctor as the Node server runs it (GET /admin/doctor/<domain>): the same plan and probes as
 * `mailconf doctor`, with the service's own answers taken in-process from the app (the request a
 * client sends, to the host it sends it to), so no --url is needed.
 */
import { doctorPlan } from '../../doctor/plan'
import type { DoctorRunner } from '../../doctor/runner'
import { runDoctor, type DoctorNetwork } from './run'

export function nodeDoctor(serve: (request: Request) => Promise<Response>, network: DoctorNetwork): DoctorRunner {
  return async ({ domain, records, address }) => {
    const plan = doctorPlan(domain, records, address)
    return runDoctor(
      plan,
      async (probe) => {
        // Always as https: the document is the same either way, and https is what the service is for.
        const { method, path, headers, body } = probe.request
        const response = await serve(new Request(`https://${probe.host}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }))
        const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', location: response.headers.get('location'), body: new Uint8Array(await response.arrayBuffer()) }
        return { fetched: { kind: 'answered', answer }, host: probe.host }
      },
      network,
    )
  }
}
