/**
 * The OpenAPI document is generated from the routes (src/admin/operation.ts): every admin route and
 * /initdb is in it, nothing else, each operation with a unique operationId.
 */
import { describe, expect, it } from 'vitest'
import { adminApi } from '../../src/admin/api'
import { openApiDocument } from '../../src/admin/openapi'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const

interface Document {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId?: string }>>>
}

/** `GET /admin/providers/{id}` for each route the router serves (middleware and aliases folded). */
function servedRoutes(): string[] {
  const routes = adminApi.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`)
  return [...new Set(routes)].sort()
}

function documentedRoutes(): string[] {
  const document = openApiDocument(adminApi, 'https://admin.example') as unknown as Document
  return Object.entries(document.paths)
    .flatMap(([path, item]) => METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`))
    .sort()
}

describe('the admin OpenAPI document', () => {
  it('describes exactly the routes the admin API and /initdb serve', () => {
    expect(documentedRoutes()).toEqual(servedRoutes())
    expect(servedRoutes()).toEqual(expect.arrayContaining(['GET /admin/openapi.json', 'POST /initdb', 'DELETE /admin/ldapservers/{id}']))
  })

  it('gives each operation its own operationId', () => {
    const document = openApiDocument(adminApi, 'https://admin.example') as unknown as Document
    const ids = Object.values(document.paths).flatMap((item) => METHODS.flatMap((method) => (item[method] ? [item[method]?.operationId] : [])))
    expect(ids).not.toContain(undefined)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
