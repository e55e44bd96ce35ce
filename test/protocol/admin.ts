/** Admin API calls through a protocol target, with its token, answering status and parsed JSON. */
import type { ProtocolTarget } from './target'
import { adminHeaders } from './target'

export interface AdminResponse {
  readonly status: number
  // Tests read fields of whatever came back; the routes' own types are checked by tsc in src/.
  readonly body: Record<string, unknown> & { error?: string; problems?: { path: string; message: string }[] }
}

export type AdminCall = (method: string, path: string, body?: unknown) => Promise<AdminResponse>

export function adminClient(target: ProtocolTarget): AdminCall {
  return async (method, path, body) => {
    const response = await target.fetch(path, {
      method,
      headers: { ...adminHeaders(target), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = await response.text()
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as AdminResponse['body']) }
  }
}

const CONTENTS: Record<string, string> = {
  provider: 'SELECT * FROM provider ORDER BY id',
  domain: 'SELECT * FROM domain ORDER BY id',
  server: 'SELECT * FROM server ORDER BY id',
  server_domain: 'SELECT * FROM server_domain ORDER BY server_id, domain_id',
  davserver: 'SELECT * FROM davserver ORDER BY id',
  davserver_domain: 'SELECT * FROM davserver_domain ORDER BY davserver_id, domain_id',
  ldapserver: 'SELECT * FROM ldapserver ORDER BY id',
  activesync: 'SELECT * FROM activesync ORDER BY id',
}

/** Every table's rows in id order (link tables by their key), for before/after comparisons. */
export async function tableContents(target: ProtocolTarget): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(Object.entries(CONTENTS).map(async ([table, sql]) => [table, await target.query(sql)] as const))
  return Object.fromEntries(entries)
}
