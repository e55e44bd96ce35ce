/**
 * Reading admin requests: JSON bodies validated by the shared schemas (src/resource-schemas.ts),
 * ids and domain keys from the path. Failures come back as ready 400 responses naming the field.
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { z } from 'zod'
import { normaliseDomain } from '../core/address'
import type { DomainKey } from './resources/domains-store'
import type { AppEnv } from '../app/env'
import { fail, ok, type Result } from '../core/result'
import { toProblems } from './problems'

export const ADMIN_BODY_LIMIT = 64 * 1024

export const limitBody = (maxSize: number) =>
  bodyLimit({ maxSize, onError: (c) => c.json({ error: `the body is larger than ${maxSize} bytes` }, 413) })

export async function readJson(c: Context<AppEnv>): Promise<Result<unknown, Response>> {
  const body = await c.req.text()
  try {
    return ok(JSON.parse(body))
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unreadable'
    return fail(c.json({ error: `the body is not valid JSON: ${reason}` }, 400))
  }
}

export async function readBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<Result<z.output<S>, Response>> {
  const json = await readJson(c)
  if (!json.ok) return json
  const parsed = schema.safeParse(json.value)
  if (parsed.success) return ok(parsed.data)
  return fail(c.json({ error: 'invalid request body', problems: toProblems(parsed.error) }, 400))
}

/** A row id from the path: a positive whole number. */
export function parseId(text: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(text)) return null
  return Number(text)
}

/** A domain is addressed by id (`/admin/domains/3`) or name (`/admin/domains/example.com`). */
export function parseDomainKey(text: string): DomainKey | null {
  const id = parseId(text)
  if (id !== null) return { id }
  const name = normaliseDomain(text)
  return name === null ? null : { name }
}

export const badId = (c: Context<AppEnv>, text: string) => c.json({ error: `'${text}' is not an id (a positive whole number)` }, 400)
export const badDomainKey = (c: Context<AppEnv>, text: string) => c.json({ error: `'${text}' is neither a domain id nor a domain name` }, 400)
export const notFound = (c: Context<AppEnv>, what: string) => c.json({ error: `no ${what}` }, 404)

/** `?cascade=true` / `?replace=true`; anything but true/false/absent is refused. */
export function parseFlag(c: Context<AppEnv>, name: string): Result<boolean, Response> {
  const value = c.req.query(name)
  if (value === undefined || value === 'false') return ok(false)
  if (value === 'true') return ok(true)
  return fail(c.json({ error: `${name} must be true or false` }, 400))
}
