/** Admin API calls through a protocol target, with its token, answering status and parsed JSON. */
import { TABLE_NAMES } from '../../src/db/tables'
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

/**
 * Every table's rows, ordered by their first two columns (the id; a link table's key), for
 * before/after comparisons. The tables come from the schema (src/db/tables.ts), so a new table is
 * compared too.
 */
export async function tableContents(target: ProtocolTarget): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(TABLE_NAMES.map(async (table) => [table, await target.query(`SELECT * FROM ${table} ORDER BY 1, 2`)] as const))
  return Object.fromEntries(entries)
}

/** A provider row's columns beyond name and short name, all unset (schema/schema.ts). */
export const UNSET_PROVIDER_COLUMNS = {
  logo_url: null,
  support_url: null,
  support_email: null,
  oauth2_issuer: null,
  oauth2_scope: null,
  oauth2_auth_url: null,
  oauth2_token_url: null,
  oauth2_client_id: null,
  oauth2_password: null,
  documentation_url: null,
  documentation_descr: null,
} as const

/** The same fields as the admin API and an export show them: `oauth2` nested. */
export const UNSET_PROVIDER_FIELDS = { logo_url: null, support_url: null, support_email: null, documentation_url: null, documentation_descr: null, oauth2: null } as const
