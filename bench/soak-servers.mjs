// The two servers the soak and brute-force benches run against, started from this checkout on a
// free port with the sample data and a throwaway database, plus RSS sampling of their processes:
// - node:   the production bundle (`npm run build:node` → dist/node.mjs) on a libsql file;
// - worker: `wrangler dev` (workerd, local D1 under a temporary --persist-to folder).
// Each start returns { name, url, token, serverPids(), stop() }; stop() ends the process group it
// started, and only that.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler')
const QUIET_ENV = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilHealthy(url, child, seconds = 60) {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering`)
    try {
      const response = await fetch(new URL('/healthz', url))
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`no answer from ${url}healthz within ${seconds} s`)
}

/** Every descendant of `pid` (from /proc), itself included. */
function processTree(pid) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Field 4 (after the parenthesised command, which may hold spaces) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = []
  const queue = [pid]
  while (queue.length > 0) {
    const next = queue.shift()
    tree.push(next)
    queue.push(...(children.get(next) ?? []))
  }
  return tree
}

const commandOf = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return ''
  }
}

/** Resident set size of the given processes together, in KiB (0 for ended ones). */
export function rssKiB(pids) {
  let total = 0
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      total += Number(match?.[1] ?? 0)
    } catch {
      // ended
    }
  }
  return total
}

function stopper(child, folder) {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      process.kill(-child.pid, 'SIGTERM')
      const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid, 'SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(folder, { recursive: true, force: true })
  }
}

export async function startNode({ token = 'soak-admin-token', logLevel = 'info' } = {}) {
  execFileSync('npm', ['run', '--silent', 'build:node'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-soak-node-'))
  const port = await freePort()
  const child = spawn(process.execPath, [join(ROOT, 'dist/node.mjs'), '--seed-sample'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LIBSQL_URL: `file:${join(folder, 'mailconf.db')}`, ADMIN_TOKEN: token, LOG_LEVEL: logLevel },
  })
  const url = `http://127.0.0.1:${port}/`
  const stop = stopper(child, folder)
  try {
    await waitUntilHealthy(url, child)
  } catch (error) {
    await stop()
    throw error
  }
  // The Node entry serves from its own process.
  return { name: 'node', url, token, serverPids: () => [child.pid], stop }
}

export async function startWorker({ token = 'soak-admin-token', logLevel = 'info' } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-soak-worker-'))
  execFileSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', folder], { cwd: ROOT, env: QUIET_ENV, stdio: 'ignore' })
  const port = await freePort()
  const child = spawn(WRANGLER, [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', folder,
    '--var', `ADMIN_TOKEN:${token}`, '--var', `LOG_LEVEL:${logLevel}`, '--show-interactive-dev-session=false',
  ], { cwd: ROOT, detached: true, stdio: 'ignore', env: QUIET_ENV })
  const url = `http://127.0.0.1:${port}/`
  const stop = stopper(child, folder)
  try {
    await waitUntilHealthy(url, child, 120)
    const seeded = await fetch(new URL('/initdb/', url), { headers: { Authorization: `Bearer ${token}` } })
    if (!seeded.ok) throw new Error(`seeding the local Worker failed: ${seeded.status} ${await seeded.text()}`)
  } catch (error) {
    await stop()
    throw error
  }
  // wrangler (Node) starts workerd, which runs the Worker: the server processes are the workerd ones.
  const serverPids = () => processTree(child.pid).filter((pid) => commandOf(pid) === 'workerd')
  return { name: 'worker', url, token, serverPids, stop, wranglerPid: child.pid }
}

/**
 * The control for the Worker figures: a Worker that answers every request with a fixed 404 and
 * does nothing else, served by the same `wrangler dev`. Whatever memory it gains under the same
 * load belongs to the local runtime, not to mailconf.
 */
export async function startControlWorker() {
  const folder = mkdtempSync(join(tmpdir(), 'mailconf-soak-control-'))
  writeFileSync(join(folder, 'wrangler.toml'), 'name = "control"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\ncompatibility_flags = ["nodejs_compat"]\n')
  writeFileSync(join(folder, 'index.js'), "export default { fetch: () => new Response('not found', { status: 404 }) }\n")
  const port = await freePort()
  const child = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false'], { cwd: folder, detached: true, stdio: 'ignore', env: QUIET_ENV })
  const url = `http://127.0.0.1:${port}/`
  const stop = stopper(child, folder)
  try {
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline) {
      if ((await fetch(url).then((r) => r.status, () => 0)) === 404) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } catch (error) {
    await stop()
    throw error
  }
  const serverPids = () => processTree(child.pid).filter((pid) => commandOf(pid) === 'workerd')
  return { name: 'worker-control', url, token: '', serverPids, stop }
}

export const START = { node: startNode, worker: startWorker, 'worker-control': startControlWorker }

/** The machine's load averages, to print beside every figure (the machine is shared). */
export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
