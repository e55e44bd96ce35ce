/**
 * A real authoritative DNS server for the doctor's tests: Debian's NSD, started on 127.0.0.1 on a
 * free port with a generated configuration and zone in a temporary directory (the system's NSD,
 * if any, is left alone). `publish(records)` rewrites the zone with a higher serial and reloads it
 * (SIGHUP), then waits until the new serial is served, as an operator's change would go live.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Resolver } from 'node:dns/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports'

export const NSD = '/usr/sbin/nsd'

export interface Nsd {
  /** `127.0.0.1:<port>`, as `--resolver` takes it. */
  readonly server: string
  /** Replaces the zone's records (zone-file lines relative to nothing: write full names) and waits until they are served. */
  publish(records: readonly string[]): Promise<void>
  stop(): Promise<void>
}

function zoneText(zone: string, serial: number, records: readonly string[]): string {
  return [
    `$ORIGIN ${zone}.`,
    '$TTL 60',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. ${serial} 3600 600 86400 60`,
    `@ IN NS ns.${zone}.`,
    'ns IN A 127.0.0.1',
    ...records,
    '',
  ].join('\n')
}

async function servedSerial(server: string, zone: string): Promise<number | null> {
  const resolver = new Resolver({ timeout: 200, tries: 1 })
  resolver.setServers([server])
  try {
    return (await resolver.resolveSoa(zone)).serial
  } catch {
    return null
  }
}

async function waitForSerial(server: string, zone: string, serial: number, nsd: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (nsd.exitCode !== null) throw new Error(`nsd exited with ${nsd.exitCode}: ${readLog(log)}`)
    if ((await servedSerial(server, zone)) === serial) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nsd did not serve serial ${serial} of ${zone} within 5 s: ${readLog(log)}`)
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2000)
  } catch {
    return '(no log)'
  }
}

export async function startNsd(zone: string, records: readonly string[]): Promise<Nsd> {
  const dir = mkdtempSync(join(tmpdir(), 'mailconf-nsd-'))
  const port = await freePort()
  const server = `127.0.0.1:${port}`
  const zoneFile = join(dir, 'zone')
  const log = join(dir, 'nsd.log')
  let serial = 1
  writeFileSync(zoneFile, zoneText(zone, serial, records))
  // No privilege drop, no database file, no remote control: a foreground server for this test only.
  writeFileSync(
    join(dir, 'nsd.conf'),
    [
      'server:',
      `  ip-address: 127.0.0.1@${port}`,
      `  port: ${port}`,
      '  username: ""',
      `  zonesdir: "${dir}"`,
      '  database: ""',
      `  pidfile: "${join(dir, 'nsd.pid')}"`,
      `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
      `  zonelistfile: "${join(dir, 'zone.list')}"`,
      `  xfrdir: "${dir}"`,
      `  logfile: "${log}"`,
      '  server-count: 1',
      '  verbosity: 1',
      'remote-control:',
      '  control-enable: no',
      'zone:',
      `  name: ${zone}`,
      '  zonefile: zone',
      '',
    ].join('\n'),
  )
  const nsd = spawn(NSD, ['-d', '-c', join(dir, 'nsd.conf')], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => nsd.once('exit', () => resolve()))
  const stop = async () => {
    if (nsd.exitCode === null && nsd.signalCode === null) {
      nsd.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForSerial(server, zone, serial, nsd, log)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    server,
    async publish(next) {
      serial += 1
      writeFileSync(zoneFile, zoneText(zone, serial, next))
      nsd.kill('SIGHUP')
      await waitForSerial(server, zone, serial, nsd, log)
    },
    stop,
  }
}
