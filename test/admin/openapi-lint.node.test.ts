/** The admin OpenAPI document lints without errors under Redocly's recommended rules. */
import { createConfig, lintFromString } from '@redocly/openapi-core'
import { describe, expect, it } from 'vitest'
import { adminApi } from '../../src/admin/api'
import { openApiDocument } from '../../src/admin/openapi'

describe('the admin OpenAPI document, linted', () => {
  it('has no errors under Redocly recommended', async () => {
    const config = await createConfig({ extends: ['recommended'] })
    const problems = await lintFromString({ source: JSON.stringify(openApiDocument(adminApi, 'https://admin.example')), absoluteRef: 'openapi.json', config })
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`)
    expect(errors).toEqual([])
    // The control: the linter does report errors, here a path with a trailing slash.
    const broken = await lintFromString({ source: JSON.stringify({ ...openApiDocument(adminApi, 'https://admin.example'), paths: { '/x/': { get: { responses: { 200: { description: 'x' } } } } } }), absoluteRef: 'broken.json', config })
    expect(broken.some((p) => p.severity === 'error')).toBe(true)
  })
})
