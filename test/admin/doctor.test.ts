/**
 * GET /admin/doctor on the Worker: the runtime cannot run the checks (no resolver of one's choosing,
 * no peer certificates), so the route answers 501 pointing to the CLI; behind the token like every
 * admin route. Workerd-only: the Node server runs the doctor (test/admin/doctor.node.test.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import sample from '../../seed/sample.json'
import { DOCTOR_ON_WORKERS } from '../../src/admin/doctor'
import { ADMIN, request, resetDatabase, seed } from '../support/worker'

beforeEach(async () => {
  await resetDatabase()
  await seed(sample)
})

describe('GET /admin/doctor/<domain> on the Worker', () => {
  it('answers 501 with a message naming the CLI', async () => {
    const response = await request('/admin/doctor/example.com', { headers: ADMIN })
    expect(response.status).toBe(501)
    expect(await response.json()).toEqual({ error: DOCTOR_ON_WORKERS })
    expect(DOCTOR_ON_WORKERS).toContain('mailconf doctor <domain>')
  })

  it('needs the token first', async () => {
    expect((await request('/admin/doctor/example.com')).status).toBe(401)
  })
})
