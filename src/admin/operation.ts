/**
 * One declaration per admin operation: it registers the Hono route and the OpenAPI operation from
 * the same object, so the document (admin/openapi.ts) is generated from the routes themselves and
 * cannot leave one out. Request bodies are read here, the one place the admin API and /initdb/
 * read JSON: any content type (automx2's `/initdb/` is fed by `curl -d`), every problem named.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type * as z from 'zod'
import type { AppEnv } from '../app/env'
import { fail, ok, type Result } from '../core/result'
import { toProblems, type Problem } from './problems'

export type AdminRouter = OpenAPIHono<AppEnv>

export const adminRouter = (): AdminRouter => new OpenAPIHono<AppEnv>()

/** A schema with its name in the document's components; `input` describes what clients send. */
export interface NamedSchema<S extends z.ZodType = z.ZodType> {
  readonly name: string
  readonly schema: S
  readonly io: 'input' | 'output'
  /** For a schema whose JSON Schema zod cannot derive alone (seed/format.ts). */
  readonly override?: (context: { zodSchema: unknown; jsonSchema: Record<string, unknown> }) => void
}

/** Every named schema an operation refers to, for the document's components (converted on demand). */
export const NAMED_SCHEMAS = new Map<string, NamedSchema>()

export function named<S extends z.ZodType>(name: string, schema: S, io: 'input' | 'output', override?: NamedSchema['override']): NamedSchema<S> {
  const entry = { name, schema, io, ...(override ? { override } : {}) }
  NAMED_SCHEMAS.set(name, entry)
  return entry
}

export const ref = (schema: NamedSchema) => ({ $ref: `#/components/schemas/${schema.name}` })
export const arrayOf = (schema: NamedSchema) => ({ type: 'array', items: ref(schema) })
/** The answer of a DELETE: what was deleted. */
export const deletedOf = (schema: NamedSchema) => ({ type: 'object', properties: { deleted: ref(schema) }, required: ['deleted'] })

type JsonSchema = Record<string, unknown>

export interface Parameter {
  readonly name: string
  readonly in: 'path' | 'query'
  readonly description: string
  readonly schema: { readonly type: 'integer' | 'string' | 'boolean'; readonly minimum?: number; readonly enum?: string[]; readonly default?: boolean | string }
  readonly required?: boolean
}

/** A value the request carries in its path or query: its description, and how it is read. */
export interface RequestValue<T> {
  readonly doc: Parameter
  read(c: Context<AppEnv>): Result<T, Response>
}

export interface Answer {
  readonly description: string
  /** The JSON body; a named schema becomes a $ref. */
  readonly json?: NamedSchema | JsonSchema
  /** Other media types, as OpenAPI content entries. */
  readonly content?: Record<string, { readonly schema: JsonSchema }>
}

/** A request body: its description in the document, and how it is validated. */
export interface Body<T> {
  readonly described: NamedSchema
  readonly parse: (json: unknown) => Result<T, readonly Problem[]>
  /** The `error` of a 400 answer listing the problems. */
  readonly invalid: string
}

/** A body validated by its own (input) schema. */
export function zodBody<S extends z.ZodType>(described: NamedSchema<S>): Body<z.output<S>> {
  return {
    described,
    invalid: 'invalid request body',
    parse: (json) => {
      const parsed = described.schema.safeParse(json)
      return parsed.success ? ok(parsed.data) : fail(toProblems(parsed.error))
    },
  }
}

export interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'delete'
  /** OpenAPI form: `/providers/{id}`. */
  readonly path: string
  readonly operationId: string
  readonly summary: string
  readonly tag: string
  /** Path and query values are checked before the body is read, so a bad id is named first. */
  readonly parameters?: readonly (Parameter | RequestValue<unknown>)[]
  readonly answers: Readonly<Record<number, Answer>>
  /** Served, but left out of the document: an alias of a documented path. */
  readonly hidden?: boolean
}

const isNamed = (value: NamedSchema | JsonSchema): value is NamedSchema => 'schema' in value && 'io' in value

function toContent(answer: Answer) {
  const json = answer.json ? { 'application/json': { schema: isNamed(answer.json) ? ref(answer.json) : answer.json } } : {}
  const content = { ...json, ...answer.content }
  return Object.keys(content).length > 0 ? { content } : {}
}

type Answered = Response | Promise<Response>

/**
 * Registers `operation` on `router`: the route, and (unless hidden) its OpenAPI description. With a
 * body, the handler gets it validated; an unreadable or invalid one is answered 400 here.
 */
export function declare(router: AdminRouter, operation: Operation, handler: (c: Context<AppEnv>) => Answered): void
export function declare<T>(router: AdminRouter, operation: Operation & { readonly body: Body<T> }, handler: (c: Context<AppEnv>, body: T) => Answered): void
export function declare<T>(router: AdminRouter, operation: Operation & { readonly body?: Body<T> }, handler: (c: Context<AppEnv>, body?: T) => Answered): void {
  const { method, path, operationId, summary, tag, parameters = [], body, answers, hidden } = operation
  if (!hidden) {
    router.openAPIRegistry.registerPath({
      method,
      path,
      operationId,
      summary,
      tags: [tag],
      parameters: parameters.map((p) => {
        const doc = 'doc' in p ? p.doc : p
        return { ...doc, schema: { ...doc.schema } }
      }),
      ...(body ? { request: { body: { required: true, content: { 'application/json': { schema: ref(body.described) } } } } } : {}),
      responses: Object.fromEntries(Object.entries(answers).map(([status, answer]) => [status, { description: answer.description, ...toContent(answer) }])),
    })
  }
  const honoPath = path.replace(/\{(\w+)\}/g, ':$1')
  const readers = parameters.flatMap((p) => ('read' in p ? [p] : []))
  router.on(method.toUpperCase(), honoPath, async (c) => {
    for (const reader of readers) {
      const value = reader.read(c)
      if (!value.ok) return value.error
    }
    if (!body) return handler(c)
    const read = await readBody(c, body)
    return read.ok ? handler(c, read.value) : read.error
  })
}

async function readBody<T>(c: Context<AppEnv>, body: Body<T>): Promise<Result<T, Response>> {
  const text = await c.req.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unreadable'
    return fail(c.json({ error: `the body is not valid JSON: ${reason}` }, 400))
  }
  const parsed = body.parse(json)
  return parsed.ok ? ok(parsed.value) : fail(c.json({ error: body.invalid, problems: parsed.error }, 400))
}
