/**
 * What admin requests carry besides their body: ids and domain keys in the path, true/false
 * switches in the query, each described for the OpenAPI document and read here, once. Failures come
 * back as ready 400 answers naming the value; common answers (401, 404, …) are described here too.
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as z from 'zod'
import type { AppEnv } from '../app/env'
import { normaliseDomain } from '../core/address'
import { fail, ok, type Result } from '../core/result'
import { arrayOf, named, type Answer, type NamedSchema, type RequestValue } from './operation'

export const ADMIN_BODY_LIMIT = 64 * 1024

/** 413 past `maxSize` bytes, naming the limit (and what the body is, where it has a name). */
export const limitBody = (maxSize: number, what = 'body') =>
  bodyLimit({ maxSize, onError: (c) => c.json({ error: `the ${what} is larger than ${maxSize} bytes` }, 413) })

export const notFound = (c: Context<AppEnv>, what: string) => c.json({ error: `no ${what}` }, 404)


/** 400 for a value that should have been a row id. */
export const notAnId = (c: Context<AppEnv>, text: string) => c.json({ error: `'${text}' is not an id (a positive whole number)` }, 400)

/** A row id from the path: a positive whole number. */
export function parseId(text: string): number | null {
  return /^[1-9]\d{0,15}$/.test(text) ? Number(text) : null
}

export const idParam = (description: string): RequestValue<number> => ({
  doc: { name: 'id', in: 'path', required: true, description, schema: { type: 'integer', minimum: 1 } },
  read(c) {
    const text = c.req.param('id') ?? ''
    const id = parseId(text)
    return id === null ? fail(notAnId(c, text)) : ok(id)
  },
})

export type DomainKey = { readonly id: number } | { readonly name: string }

/** A domain is addressed by id (`/admin/domains/3`) or name (`/admin/domains/example.com`). */
export const domainKeyParam = (name: string): RequestValue<DomainKey> => ({
  doc: { name, in: 'path', required: true, description: 'domain id or domain name', schema: { type: 'string' } },
  read(c) {
    const text = c.req.param(name) ?? ''
    const id = parseId(text)
    if (id !== null) return ok({ id })
    const domain = normaliseDomain(text)
    return domain === null ? fail(c.json({ error: `'${text}' is neither a domain id nor a domain name` }, 400)) : ok({ name: domain })
  },
})

/** `?cascade=true` / `?replace=true`; anything but true/false/absent is refused. */
export const flagQuery = (name: string, description: string): RequestValue<boolean> => ({
  doc: { name, in: 'query', required: false, description, schema: { type: 'boolean', default: false } },
  read(c) {
    const value = c.req.query(name)
    if (value === undefined || value === 'false') return ok(false)
    if (value === 'true') return ok(true)
    return fail(c.json({ error: `${name} must be true or false` }, 400))
  },
})

export const ERROR = named(
  'Error',
  z.object({
    error: z.string(),
    problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  'output',
)

export const problem = (description: string): Answer => ({ description, json: ERROR })

/** Every admin operation can answer these. */
export const COMMON_ANSWERS = {
  401: problem('missing or wrong admin token'),
  503: problem('the database is unavailable; retry after the Retry-After seconds'),
} as const

/** The answers of listing a collection. */
export const listed = (view: NamedSchema, description: string) => ({ 200: { description, json: arrayOf(view) }, ...COMMON_ANSWERS })

/** The answers of creating a resource from a body. */
export const created = (view: NamedSchema) => ({ 201: { description: 'created', json: view }, 400: problem('invalid body; problems name the fields'), ...COMMON_ANSWERS })
