/**
 * GET /admin/doctor/<domain> on the Node server: the same checks as `mailconf doctor`, run by the
 * server itself against the real NSD and TLS front of support/node/doctor-world.ts, its own answers
 * taken in-process. The server is told where the world is as an operator would (DOCTOR_RESOLVER,
 * DOCTOR_HTTPS_PORT, DOCTOR_HTTP_PORT, read by src/node/settings.ts); the test CA stands in for
 * NODE_EXTRA_CA_CERTS, which Node reads only at start-up.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoctorReport } from '../../src/doctor/report'
import { migrateDatabase, openDatabase } from '../../src/node/database'
import type { DoctorNetwork } from '../../src/node/doctor/run'
import { startServer, type RunningServer } from '../../src/node/server'
import { readSettings } from '../../src/node/settings'
import { DOMAIN, SEED, SERVICE_HOST, startDoctorWorld, type DoctorWorld } from '../support/node/doctor-world'
import { MIGRATIONS_FOLDER } from '../support/node/node-target'

const TOKEN = 'node-doctor-admin-token'
let folder: string
/** What clients reach through the front; the doctor's server answers the doctor. One database. */
let served: RunningServer
let server: RunningServer
let world: DoctorWorld
let network: DoctorNetwork

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'mailconf-doctor-route-'))
  const client = await openDatabase(`file:${join(folder, 'mailconf.db')}`, undefined)
  const { db } = client
  await migrateDatabase(client, MIGRATIONS_FOLDER)
  const bindings = { ADMIN_TOKEN: TOKEN, PROXY_COUNT: '1', LOG_LEVEL: 'warn' }
  // The front needs a server to pass requests to, and the doctor's server needs the front's ports:
  // so two servers on the one database, as two processes behind one NGINX would be.
  served = await startServer({ host: '127.0.0.1', port: 0, bindings, client, db })
  const seeded = await fetch(new URL('/initdb/', served.url), { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(SEED) })
  expect(seeded.status).toBe(200)
  world = await startDoctorWorld(served.url)
  const settings = readSettings({ DOCTOR_RESOLVER: world.nsd.server, DOCTOR_HTTPS_PORT: String(world.front.httpsPort), DOCTOR_HTTP_PORT: String(world.front.httpPort) }, [])
  if (!settings.ok) throw new Error(JSON.stringify(settings.error))
  network = settings.value.doctor
  server = await startServer({ host: '127.0.0.1', port: 0, bindings, client, db, doctor: { ...network, ca: [...rootCertificates, world.ca.rootPem] } })
}, 60_000)

afterAll(async () => {
  await server?.close()
  await served?.close()
  await world?.stop()
  if (folder) rmSync(folder, { recursive: true, force: true })
})

const doctor = (query: string) => fetch(new URL(`/admin/doctor/${DOMAIN}${query}`, server.url), { headers: { Authorization: `Bearer ${TOKEN}` } })
const statuses = (report: DoctorReport) => Object.fromEntries(report.checks.map((check) => [check.id, check.status]))

describe('GET /admin/doctor/<domain> on the Node server', () => {
  it('reads where to look from DOCTOR_* settings', () => {
    expect(network).toMatchObject({ resolver: world.nsd.server, httpsPort: world.front.httpsPort, httpPort: world.front.httpPort })
  })

  it('answers the report: missing, drifted and broken things with their fixes, then all passing once fixed', async () => {
    const broken = await doctor(`?service_host=${SERVICE_HOST}`)
    expect(broken.status).toBe(200)
    const report = (await broken.json()) as DoctorReport
    expect(report.domain).toBe(DOMAIN)
    expect(statuses(report)).toMatchObject({
      mx: 'pass',
      'srv:_imaps._tcp': 'pass',
      'srv:_submissions._tcp': 'missing',
      'srv:_submission._tcp': 'drift',
      [`tls:autoconfig.${DOMAIN}`]: 'pass',
      [`tls:autodiscover.${DOMAIN}`]: 'error',
      'https:autoconfig': 'pass',
      'https:well-known': 'drift',
      'https:mobileconfig': 'pass',
    })

    await world.fix()
    const fixed = (await (await doctor(`?service_host=${SERVICE_HOST}&address=someone%40${DOMAIN}`)).json()) as DoctorReport
    expect(fixed.checks.filter((check) => check.status !== 'pass')).toEqual([])
  }, 30_000)

  it.each([
    [`?service_host=${SERVICE_HOST}&address=someone%40other.test`, 400, `address must be an address in ${DOMAIN}`],
    ['', 409, 'SERVICE_HOSTNAME'],
  ])('%s → %i naming the problem', async (query, status, message) => {
    const response = await doctor(query)
    expect(response.status).toBe(status)
    expect(((await response.json()) as { error: string }).error).toContain(message)
  })

  it('answers 404 for a domain it does not serve', async () => {
    const response = await fetch(new URL(`/admin/doctor/unknown.test?service_host=${SERVICE_HOST}`, server.url), { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'no mail configuration for unknown.test' })
  })
})
