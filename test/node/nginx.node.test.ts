/**
 * The NGINX example in front of the Node server, with a real NGINX: the proxy snippet
 * (docs/self-hosting/mailconf-proxy.conf) is included verbatim, and the site file passes `nginx -t`.
 * .ci/run installs nginx when it is absent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { validateAutoconfig } from '../support/autoconfig-validator'
import { seed } from '../support/target'
import { NODE_ADMIN_TOKEN, startNodeTarget, type NodeTarget } from '../support/node/node-target'

const EXAMPLES = fileURLToPath(new URL('../../docs/self-hosting/', import.meta.url))
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => spawnSync(path, ['-v']).status === 0)

let target: NodeTarget
let nginx: ChildProcess
let nginxPort: number
const folder = mkdtempSync(join(tmpdir(), 'mailconf-nginx-'))
chmodSync(folder, 0o755)

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)))
      socket.on('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nginx did not listen on ${port}`)
}

/** One request to NGINX, from `from` (a loopback address), naming `host`. */
function viaNginx(path: string, options: { host?: string; from?: string; headers?: Record<string, string>; method?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: nginxPort,
      path,
      method: options.method ?? 'GET',
      localAddress: options.from ?? '127.0.0.1',
      agent: false,
      headers: { Host: options.host ?? 'autoconfig.example.com', ...options.headers },
    }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx-light; .ci/run does this)')
  target = await startNodeTarget({ PROXY_COUNT: '1', LOG_LEVEL: 'info' })
  nginxPort = await freePort()
  for (const dir of ['logs', 'temp']) mkdirSync(join(folder, dir))
  const config = `
daemon off;
worker_processes 1;
pid ${folder}/nginx.pid;
error_log ${folder}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${folder}/temp/body;
  proxy_temp_path ${folder}/temp/proxy;
  fastcgi_temp_path ${folder}/temp/fastcgi;
  uwsgi_temp_path ${folder}/temp/uwsgi;
  scgi_temp_path ${folder}/temp/scgi;
  upstream mailconf { server ${new URL(target.serverUrl).host}; keepalive 4; }
  server {
    listen 127.0.0.1:${nginxPort};
    server_name autoconfig.example.com autodiscover.example.com autoconfig.example.net;
    include ${EXAMPLES}mailconf-proxy.conf;
  }
}
`
  writeFileSync(join(folder, 'nginx.conf'), config)
  nginx = spawn(NGINX, ['-p', folder, '-c', join(folder, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] })
  await waitForPort(nginxPort)
}, 20_000)

afterAll(async () => {
  nginx?.kill('SIGQUIT')
  await target?.stop()
  rmSync(folder, { recursive: true, force: true })
})

/** The app's JSON log lines of the current test (LOG_LEVEL=info). */
let logged: Record<string, unknown>[] = []

beforeEach(async () => {
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(JSON.parse(String(line)) as Record<string, unknown>))
  await target.reset()
  expect((await seed(target, sample)).status).toBe(200)
  logged = []
})
afterEach(() => vi.restoreAllMocks())

const requestLine = () => logged.find((line) => line.msg === 'request')

describe('behind the example NGINX (PROXY_COUNT=1)', () => {
  it('serves Autoconfig and logs the client NGINX saw, not the one a client claims', async () => {
    const response = await viaNginx('/mail/config-v1.1.xml?emailaddress=alice%40example.com', {
      from: '127.0.0.3',
      headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Host': 'evil.example' },
    })
    expect(response.status).toBe(200)
    expect(validateAutoconfig(response.body)).toEqual([])
    expect(requestLine()).toMatchObject({ status: 200, client: '127.0.0.3' })
  })

  // The host NGINX passes on (X-Forwarded-Host $host) names the domain, whatever the client added.
  it('answers a request without an address from the host the client used', async () => {
    const response = await viaNginx('/mail/config-v1.1.xml', { host: 'autoconfig.example.net', headers: { 'X-Forwarded-Host': 'autoconfig.evil.example' } })
    expect(response.status).toBe(200)
    expect(requestLine()).toMatchObject({ status: 200, domain: 'example.net' })
  })

  it.each(['/initdb/', '/initdb', '/admin/anything'])('refuses %s from any other address than the host itself', async (path) => {
    const response = await viaNginx(path, { from: '127.0.0.2', headers: { Authorization: `Bearer ${NODE_ADMIN_TOKEN}` } })
    expect(response.status).toBe(403)
  })

  it('passes /initdb/ from the host itself on to the app, which still wants the token', async () => {
    expect((await viaNginx('/initdb/')).status).toBe(401)
    const purge = await viaNginx('/initdb/', { method: 'DELETE', headers: { Authorization: `Bearer ${NODE_ADMIN_TOKEN}` } })
    expect(purge.status).toBe(200)
    expect(JSON.parse(purge.body)).toEqual({ deleted: { providers: 1, domains: 3 } })
  })
})

describe('docs/self-hosting/nginx-mailconf.conf', () => {
  it('passes nginx -t with the snippet and a certificate in place', () => {
    const prefix = join(folder, 'site')
    mkdirSync(join(prefix, 'snippets'), { recursive: true })
    writeFileSync(join(prefix, 'snippets/mailconf-proxy.conf'), readFileSync(join(EXAMPLES, 'mailconf-proxy.conf')))
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=autoconfig.example.com',
      '-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')], { encoding: 'utf8' })
    expect(cert.status, cert.stderr).toBe(0)
    const site = readFileSync(join(EXAMPLES, 'nginx-mailconf.conf'), 'utf8')
      .replace('/etc/letsencrypt/live/autoconfig.example.com/fullchain.pem', join(prefix, 'cert.pem'))
      .replace('/etc/letsencrypt/live/autoconfig.example.com/privkey.pem', join(prefix, 'key.pem'))
    expect(site).toContain(join(prefix, 'key.pem'))
    writeFileSync(join(prefix, 'site.conf'), site)
    writeFileSync(join(prefix, 'nginx.conf'), `pid ${prefix}/nginx.pid; error_log stderr; events {} http { include site.conf; }`)
    const check = spawnSync(NGINX ?? 'nginx', ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { encoding: 'utf8' })
    expect(check.stderr).toContain('syntax is ok')
    expect(check.status, check.stderr).toBe(0)
  })
})
