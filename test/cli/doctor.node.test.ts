/**
 * `mailconf doctor` end to end, as an operator runs it: the CLI bundle (plain node) against the Node
 * server, with a real DNS server (NSD) holding the zone and a real TLS front with test-CA
 * certificates (support/node/doctor-world.ts). No resolver, socket or certificate is mocked.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoctorReport } from '../../src/doctor/report'
import { DOMAIN, SEED, SERVICE_HOST, startDoctorWorld, type DoctorWorld } from '../support/node/doctor-world'
import { ROOT, startLocalWorker } from '../support/node/local-worker'
import { startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { freePort } from '../support/node/ports'
import { seed } from '../support/target'

let scratch: string
let bundle: string
let target: NodeTarget
let world: DoctorWorld

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mailconf-doctor-cli-'))
  bundle = join(scratch, 'mailconf.mjs')
  const built = new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [join(ROOT, 'cli/build.mjs'), `--outfile=${bundle}`], { cwd: ROOT }, (error, _out, stderr: string) => (error ? reject(new Error(stderr)) : resolve())),
  )
  target = await startNodeTarget()
  expect((await seed(target, SEED)).status).toBe(200)
  world = await startDoctorWorld(target.serverUrl)
  await built
}, 60_000)

afterAll(async () => {
  await world?.stop()
  await target?.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function mailconf(args: readonly string[]): Promise<Run> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', MAILCONF_ADMIN_TOKEN: target.adminToken, NO_COLOR: '1' }
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, '--url', target.serverUrl, ...args], { env: env as NodeJS.ProcessEnv, cwd: scratch, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

/** Everything a run needs to find the world: the resolver, the CA, the front's ports, the service host. */
const network = () => [
  '--resolver',
  world.nsd.server,
  '--ca-file',
  world.ca.rootFile,
  '--https-port',
  String(world.front.httpsPort),
  '--http-port',
  String(world.front.httpPort),
  '--service-host',
  SERVICE_HOST,
]

const statuses = (report: DoctorReport) => Object.fromEntries(report.checks.map((check) => [check.id, check.status]))
const checkOf = (report: DoctorReport, id: string) => report.checks.find((check) => check.id === id)

describe('mailconf doctor', () => {
  it('reports the broken zone and certificates with fixes, exits 1; after the fixes are published, exits 0', async () => {
    const broken = await mailconf(['doctor', DOMAIN, '--json', ...network()])
    expect(broken.code, broken.stderr).toBe(1)
    const report = JSON.parse(broken.stdout) as DoctorReport
    expect(report.domain).toBe(DOMAIN)
    for (const check of report.checks) expect(Object.keys(check).sort()).toEqual(['expected', 'fix', 'found', 'id', 'status'])
    // The "done when": exactly these, for these.
    expect(statuses(report)).toMatchObject({
      'srv:_imaps._tcp': 'pass',
      'srv:_submissions._tcp': 'missing',
      'srv:_submission._tcp': 'drift',
      [`tls:autoconfig.${DOMAIN}`]: 'pass',
      [`tls:autodiscover.${DOMAIN}`]: 'error',
    })
    expect(checkOf(report, 'srv:_submissions._tcp')?.fix).toBe(`publish _submissions._tcp.${DOMAIN}. 3600 IN SRV 0 1 465 smtp.acme.test.`)
    expect(checkOf(report, 'srv:_submission._tcp')).toMatchObject({
      found: '10 1 587 relay.elsewhere.test. (relay.elsewhere.test. port 587: not in the data)',
      fix: `replace the records at _submission._tcp.${DOMAIN}. with _submission._tcp.${DOMAIN}. 3600 IN SRV 10 1 587 smtp.acme.test.`,
    })
    expect(checkOf(report, `tls:autodiscover.${DOMAIN}`)?.found).toContain('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(checkOf(report, `tls:autodiscover.${DOMAIN}`)?.fix).toContain(`names include autodiscover.${DOMAIN}`)
    // What follows from those: clients cannot reach Autodiscover, and the bare domain serves an old document.
    expect(statuses(report)).toMatchObject({ 'https:autodiscover': 'error', 'https:autodiscover-json': 'error', 'https:well-known': 'drift', 'https:autoconfig': 'pass' })
    expect(checkOf(report, 'https:well-known')?.found).toContain('mail.old-host.test')

    await world.fix()
    const fixed = await mailconf(['doctor', DOMAIN, ...network()])
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0)
    const lines = fixed.stdout.trimEnd().split('\n')
    expect(lines.length).toBe(report.checks.length)
    // One line per check: status, id, expected, found[, fix]; nothing missing, drifted or in error.
    for (const line of lines) expect(line).toMatch(/^(pass|warn)\t[^\t]+\texpected [^\t]+\tfound [^\t]+(\tfix [^\t]+)?$/)
    expect(lines.filter((line) => line.startsWith('warn'))).toEqual([])
    // RFC 6764: the bare domain's well-known URI redirects to the context path its SRV/TXT name.
    expect(lines.find((line) => line.includes('\thttps:well-known-caldav\t'))).toMatch(/^pass\t.*found 301 to https:\/\/dav\./)
    expect(fixed.stderr).toMatch(new RegExp(`^${DOMAIN}: ${report.checks.length} pass, 0 missing, 0 drift, 0 warn, 0 error\\n$`))
  }, 60_000)

  it('says so when the resolver does not answer: every DNS check an error naming it, exit 1', async () => {
    const silent = `127.0.0.1:${await freePort()}`
    const args = network()
    args[args.indexOf('--resolver') + 1] = silent
    const run = await mailconf(['doctor', DOMAIN, '--json', ...args])
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout) as DoctorReport
    const dns = report.checks.filter((check) => check.id === 'mx' || /^(srv|txt|cname):/.test(check.id))
    expect(dns.length).toBeGreaterThan(5)
    for (const check of dns) expect(check).toMatchObject({ status: 'error', fix: expect.stringContaining('the resolver failed (ECONNREFUSED') })
    expect(checkOf(report, 'https:autoconfig')).toMatchObject({ status: 'error', found: expect.stringContaining('cannot resolve autoconfig.acme.test') })
  })

  it.each([
    [['doctor'], 2, 'missing DOMAIN'],
    [['doctor', 'not a domain'], 2, "'not a domain' is not a domain name"],
    [['doctor', DOMAIN, '--resolver', 'dns.google'], 2, '--resolver takes the address of a DNS server'],
    [['doctor', DOMAIN, '--https-port', '70000'], 2, '--https-port must be a port from 1 to 65535'],
    [['doctor', DOMAIN, '--ca-file', '/nonexistent/ca.pem'], 2, 'cannot read --ca-file /nonexistent/ca.pem'],
    [['doctor', DOMAIN, '--address', 'someone@other.test'], 2, `--address must be an address in ${DOMAIN}`],
    [['doctor', 'unknown.test', '--service-host', SERVICE_HOST], 1, 'the service refused: 404: no mail configuration for unknown.test'],
    [['doctor', DOMAIN], 1, 'set SERVICE_HOSTNAME on the service, or name it here with --service-host HOST'],
  ])('mailconf %j exits %i naming the problem', async (args, code, message) => {
    const run = await mailconf(args)
    expect(run.code).toBe(code)
    expect(run.stderr).toContain(message)
    expect(run.stdout).toBe('')
  })
})

describe('mailconf doctor against the Worker', () => {
  it('finds what the Worker serves through the same zone and front, and passes once all is published', async () => {
    const worker = await startLocalWorker()
    let workerWorld: DoctorWorld | undefined
    try {
      const seeded = await fetch(new URL('initdb/', worker.url), { method: 'POST', headers: { Authorization: `Bearer ${worker.token}` }, body: JSON.stringify(SEED) })
      expect(seeded.status).toBe(200)
      workerWorld = await startDoctorWorld(worker.url)
      await workerWorld.fix()
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', MAILCONF_ADMIN_TOKEN: worker.token }
      const args = ['--url', worker.url, 'doctor', DOMAIN, '--json', '--resolver', workerWorld.nsd.server, '--ca-file', workerWorld.ca.rootFile, '--https-port', String(workerWorld.front.httpsPort), '--http-port', String(workerWorld.front.httpPort), '--service-host', SERVICE_HOST]
      const run = await new Promise<Run>((resolve) =>
        execFile(process.execPath, [bundle, ...args], { env: env as NodeJS.ProcessEnv, timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })),
      )
      expect(run.code, run.stdout + run.stderr).toBe(0)
      const report = JSON.parse(run.stdout) as DoctorReport
      // wrangler's local proxy rewrites the origin of a Location header to the one it was asked on
      // (http), so Outlook's GET gets "302 to http://…" here; a deployed Worker answers https.
      expect(report.checks.filter((check) => check.status !== 'pass')).toEqual([
        expect.objectContaining({ id: 'http:autodiscover', status: 'warn', found: '302 to http://autodiscover.acme.test/autodiscover/autodiscover.xml' }),
      ])
    } finally {
      await workerWorld?.stop()
      await worker.stop()
    }
  }, 60_000)
})
