/**
 * Real SQL servers for the tests, run on the host: Debian's PostgreSQL and MariaDB, each in a
 * throwaway data directory on a free loopback port, with a password-authenticated user `mailconf`
 * (so wrong credentials can be tested). As root, PostgreSQL runs as the `postgres` user (it refuses
 * root); MariaDB is told to run as whoever starts it. Used by sql-global-setup.ts.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { access, chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './ports'

const run = promisify(execFile)
const READY_TIMEOUT_MS = 30_000
export const SQL_USER = 'mailconf'
export const SQL_PASSWORD = 'mailconf-test-Secret-1'

export interface RunningSqlServer {
  /** The server's administrative database as a URL with the test user's credentials. */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

async function postgresBin(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'])
  const bin = stdout.trim()
  if (!bin) throw new Error('no /usr/lib/postgresql/*/bin: install Debian\'s postgresql (.ci/run does when it is absent)')
  return bin
}

/** uid/gid to run PostgreSQL as: the `postgres` user when we are root, else ourselves. */
async function postgresIdentity(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])])
  return { uid: Number(uid), gid: Number(gid) }
}

function started(command: string, args: readonly string[], options: SpawnOptions): { child: ChildProcess; output: () => string; exited: Promise<void> } {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { child, output: () => output.slice(-4000), exited }
}

async function waitUntil(ready: () => Promise<boolean>, child: ChildProcess, name: string, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output()}`)
    if (await ready()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS} ms: ${output()}`)
}

function stopper(child: ChildProcess, exited: Promise<void>, dir: string, signal: NodeJS.Signals) {
  return async () => {
    if (child.exitCode === null) {
      child.kill(signal)
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    }
    await rm(dir, { recursive: true, force: true })
  }
}

export async function startPostgres(): Promise<RunningSqlServer> {
  const bin = await postgresBin()
  const identity = await postgresIdentity()
  const dir = await mkdtemp(join(tmpdir(), 'mailconf-pg-'))
  try {
    const as: SpawnOptions = identity ?? {}
    if (identity) await chown(dir, identity.uid, identity.gid)
    const passwordFile = join(dir, 'password')
    await writeFile(passwordFile, SQL_PASSWORD)
    if (identity) await chown(passwordFile, identity.uid, identity.gid)
    const data = join(dir, 'data')
    await new Promise<void>((resolve, reject) => {
      const init = started(join(bin, 'initdb'), ['-D', data, '-U', SQL_USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions'], as)
      init.child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb exited with ${code}: ${init.output()}`))))
    })
    const port = await freePort()
    // Durability is not what these tests are about: no fsync, so a run stays fast.
    const server = started(
      join(bin, 'postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      as,
    )
    const ready = async () => (await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).then(() => true, () => false))
    try {
      await waitUntil(ready, server.child, 'postgres', server.output)
    } catch (error) {
      server.child.kill('SIGKILL')
      throw error
    }
    return { url: `postgres://${SQL_USER}:${SQL_PASSWORD}@127.0.0.1:${port}/postgres`, port, stop: stopper(server.child, server.exited, dir, 'SIGINT') }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

export async function startMariadb(): Promise<RunningSqlServer> {
  const mariadbd = '/usr/sbin/mariadbd'
  await access(mariadbd).catch(() => {
    throw new Error(`${mariadbd} not found: install Debian's mariadb-server (.ci/run does when it is absent)`)
  })
  const dir = await mkdtemp(join(tmpdir(), 'mailconf-mariadb-'))
  try {
    const data = join(dir, 'data')
    const socket = join(dir, 'mysqld.sock')
    const user = userInfo().username
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'])
    const port = await freePort()
    const server = started(
      mariadbd,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--user=${user}`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
        '--innodb-flush-log-at-trx-commit=0',
        '--max-connections=300',
      ],
      {},
    )
    const client = ['--no-defaults', `--socket=${socket}`, '-uroot']
    const ready = async () => (await run('mariadb', [...client, '-e', 'SELECT 1']).then(() => true, () => false))
    try {
      await waitUntil(ready, server.child, 'mariadbd', server.output)
      await run('mariadb', [...client, '-e', `CREATE USER '${SQL_USER}'@'%' IDENTIFIED BY '${SQL_PASSWORD}'; GRANT ALL PRIVILEGES ON *.* TO '${SQL_USER}'@'%' WITH GRANT OPTION;`])
    } catch (error) {
      server.child.kill('SIGKILL')
      throw error
    }
    return { url: `mysql://${SQL_USER}:${SQL_PASSWORD}@127.0.0.1:${port}/`, port, stop: stopper(server.child, server.exited, dir, 'SIGTERM') }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}
