/**
 * The seam between the admin route (admin/doctor.ts, in every runtime) and a runtime that can run
 * the doctor: the Node server hands one to createApp (src/node/doctor/service.ts); the Workers
 * runtime has no DNS resolver to point at a server and no way to read a peer's certificate, so it
 * has none and the route answers 501.
 */
import type { DnsRecord } from '../dns/records'
import type { DoctorReport } from './report'

export interface DoctorRequest {
  readonly domain: string
  /** What the service says to publish (admin/dns.ts recordsToPublish). */
  readonly records: readonly DnsRecord[]
  /** The address the client requests ask about. */
  readonly address: string
}

export type DoctorRunner = (request: DoctorRequest) => Promise<DoctorReport>
