/** The route table the app mounts lazily (admin/route-table.ts) is the one the admin API serves. */
import { describe, expect, it } from 'vitest'
import { adminApi } from '../../src/admin/api'
import { ADMIN_ROUTES } from '../../src/admin/route-table'

describe('the lazily mounted admin route table', () => {
  it('lists exactly the routes of the admin API and /initdb, in order', () => {
    const served = [...new Set(adminApi.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))]
    expect(ADMIN_ROUTES.map(([method, path]) => `${method} ${path}`)).toEqual(served)
  })
})
