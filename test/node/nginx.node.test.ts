/**
 * The NGINX example in front of the Node server, in one real NGINX: docs/self-hosting/nginx-mailconf.conf
 * as shipped, with only what cannot work here changed (ports 80/443 → free ports on 127.0.0.1, no
 * IPv6 listens, the upstream's address, a test certificate), the proxy snippet
 * (docs/self-hosting/mailconf-proxy.conf) verbatim, and a website's server block holding the lines
 * the example says to paste into one (its `#   ` comment lines). The shipped file also passes `nginx -t`.
 * .ci/run installs nginx when it is absent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import sample from '../../seed/sample.json'
import { validateAutoconfig } from '../../src/client-rules/autoconfig'
import { seed } from '../support/target'
import { NODE_ADMIN_TOKEN, startNodeTarget, type NodeTarget } from '../support/node/node-target'
import { freePort } from '../support/node/ports'

const EXAMPLES = fileURLToPath(new URL('../../docs/self-hosting/', import.meta.url))
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => spawnSync(path, ['-v']).status === 0)

/** Every name the example's certificates cover (the test's one certificate covers them all). */
const CERTIFICATE_NAMES = ['autoconfig.example.com', 'autodiscover.example.com', 'autoconfig.example.net', 'autodiscover.example.net', 'example.com', 'example.net']
/** The host of the test's website, a mail domain the example does not list. */
const WEBSITE = 'example.org'

let target: NodeTarget
let nginx: ChildProcess
let httpPort: number
let httpsPort: number
let certificate: string
const folder = mkdtempSync(join(tmpdir(), 'mailconf-nginx-'))
chmodSync(folder, 0o755)


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

/** Replaces every match of `pattern` (global), failing when the example no longer has one. */
function replaceIn(text: string, pattern: RegExp, replacement: string): string {
  if (!text.match(pattern)) throw new Error(`the example no longer contains ${pattern}`)
  return text.replace(pattern, replacement)
}

/** The site file with the certificate paths pointing at the test's certificate. */
function withTestCertificate(site: string): string {
  site = replaceIn(site, /\/etc\/letsencrypt\/live\/[^/\s;]+\/fullchain\.pem/g, join(folder, 'cert.pem'))
  return replaceIn(site, /\/etc\/letsencrypt\/live\/[^/\s;]+\/privkey\.pem/g, join(folder, 'key.pem'))
}

/** The lines the example says to paste into a website's server block: its `#   ` comment lines. */
function linesForAWebsite(site: string): string {
  const lines = site.split('\n').filter((line) => line.startsWith('#   ')).map((line) => line.slice(4))
  if (!lines.some((line) => line.includes('location'))) throw new Error('the example no longer shows the locations for a website')
  return lines.join('\n')
}

type Scheme = 'http' | 'https'
interface Reply { status: number; body: string; headers: IncomingHttpHeaders }
interface Via {
  scheme?: Scheme
  host?: string
  /** The TLS server name; default: `host`; null: none (Node would otherwise take it from Host). */
  sni?: string | null
  from?: string
  headers?: Record<string, string>
  method?: string
}

/** One request to NGINX, from `from` (a loopback address), naming `host`. */
function viaNginx(path: string, options: Via = {}): Promise<Reply> {
  const host = options.host ?? 'autoconfig.example.com'
  const common = {
    host: '127.0.0.1',
    path,
    method: options.method ?? 'GET',
    localAddress: options.from ?? '127.0.0.1',
    agent: false as const,
    headers: { Host: host, ...options.headers },
  }
  return new Promise<Reply>((resolve, reject) => {
    const answer = (res: IncomingMessage) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    }
    const req = options.scheme === 'https'
      ? httpsRequest({ ...common, port: httpsPort, ca: certificate, servername: options.sni === undefined ? host : (options.sni ?? '') }, answer)
      : request({ ...common, port: httpPort }, answer)
    req.on('error', reject)
    req.end()
  })
}

/** Bytes as sent, to NGINX's http port; everything it answers until it closes the connection. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = ''
    const socket = connect(httpPort, '127.0.0.1', () => socket.write(text))
    socket.setTimeout(5_000, () => socket.destroy(new Error('nginx kept the connection open')))
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()))
    socket.on('end', () => resolve(received))
    socket.on('error', reject)
  })
}

beforeAll(async () => {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx-light; .ci/run does this)')
  target = await startNodeTarget({ PROXY_COUNT: '1', LOG_LEVEL: 'info' })
  ;[httpPort, httpsPort] = [await freePort(), await freePort()]
  for (const dir of ['logs', 'temp', 'snippets', 'www']) mkdirSync(join(folder, dir))

  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=autoconfig.example.com',
    '-addext', `subjectAltName=${CERTIFICATE_NAMES.map((name) => `DNS:${name}`).join(',')}`,
    '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')], { encoding: 'utf8' })
  if (cert.status !== 0) throw new Error(cert.stderr)
  certificate = readFileSync(join(folder, 'cert.pem'), 'utf8')

  writeFileSync(join(folder, 'snippets/mailconf-proxy.conf'), readFileSync(join(EXAMPLES, 'mailconf-proxy.conf')))
  const shipped = readFileSync(join(EXAMPLES, 'nginx-mailconf.conf'), 'utf8')
  let site = withTestCertificate(shipped)
  site = replaceIn(site, /^\s*listen \[::\]:.*\n/gm, '')
  site = replaceIn(site, /\blisten 80\b/g, `listen 127.0.0.1:${httpPort}`)
  site = replaceIn(site, /\blisten 443\b/g, `listen 127.0.0.1:${httpsPort}`)
  site = replaceIn(site, /\bserver 127\.0\.0\.1:4243;/g, `server ${new URL(target.serverUrl).host};`)
  writeFileSync(join(folder, 'site.conf'), site)
  writeFileSync(join(folder, 'www/index.html'), `the website of ${WEBSITE}\n`)
  writeFileSync(join(folder, 'website.conf'), `
server {
    listen 127.0.0.1:${httpPort};
    server_name ${WEBSITE};
    root ${folder}/www;
${linesForAWebsite(shipped)}
}
`)
  writeFileSync(join(folder, 'nginx.conf'), `
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
  include site.conf;
  include website.conf;
}
`)
  nginx = spawn(NGINX, ['-p', folder, '-c', join(folder, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] })
  await Promise.all([waitForPort(httpPort), waitForPort(httpsPort)])
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
const requestLines = () => logged.filter((line) => line.msg === 'request')

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

  it.each(['/initdb/', '/initdb', '/admin/anything', '/metrics'])('refuses %s from any other address than the host itself', async (path) => {
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

/** Two providers with different documents: Example Inc. (example.com/.net/.org) and Other Mail. */
const TWO_PROVIDERS = {
  version: 2,
  providers: [
    { provider: 'Example Inc.', domains: ['example.com', 'example.net', WEBSITE] },
    { provider: 'Other Mail', domains: ['other.example'] },
  ],
  servers: [
    { type: 'imap', name: 'imap.example.com', domains: ['example.com', 'example.net', WEBSITE] },
    { type: 'imap', name: 'imap.other.example', domains: ['other.example'] },
    { type: 'caldav', url: 'https://dav.example.com/dav/%EMAILADDRESS%/calendar/', domains: ['example.com', 'example.net', WEBSITE] },
    { type: 'caldav', url: 'https://dav.other.example/dav/%EMAILADDRESS%/calendar/', domains: ['other.example'] },
  ],
}

/** What a client adds to claim another domain, another scheme and another address. */
const spoofed = (scheme: Scheme) => ({
  'X-Forwarded-Host': 'other.example',
  'X-Forwarded-Proto': scheme === 'http' ? 'https' : 'http',
  'X-Forwarded-For': '6.6.6.6',
})

describe('a client cannot choose the domain (X-Forwarded-Host and the rest are NGINX\'s)', () => {
  beforeEach(async () => {
    await target.reset()
    expect((await seed(target, TWO_PROVIDERS)).status).toBe(200)
    logged = []
  })

  // Without NGINX in between, the app believes the header (PROXY_COUNT=1): what NGINX must overwrite.
  it('would answer for other.example if NGINX passed the client\'s X-Forwarded-Host on', async () => {
    const response = await target.fetch('https://example.com/.well-known/autoconfig/mail/config-v1.1.xml', { headers: { 'X-Forwarded-Host': 'other.example' } })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('imap.other.example')
  })

  // Every server block of the example that proxies, and a website with the lines the example gives for one.
  describe.each([
    { block: 'autoconfig/autodiscover, http', scheme: 'http' as const, host: 'autoconfig.example.com', domain: 'example.com' },
    { block: 'autoconfig/autodiscover, https', scheme: 'https' as const, host: 'autodiscover.example.net', domain: 'example.net' },
    { block: 'bare domain, http', scheme: 'http' as const, host: 'example.com', domain: 'example.com' },
    { block: 'bare domain, https', scheme: 'https' as const, host: 'example.net', domain: 'example.net' },
    { block: 'a website with the lines the example gives for one', scheme: 'http' as const, host: WEBSITE, domain: WEBSITE },
  ])('$block: Host $host', ({ scheme, host, domain }) => {
    it(`gets ${domain}'s Autoconfig document, not other.example's`, async () => {
      const response = await viaNginx('/.well-known/autoconfig/mail/config-v1.1.xml', { scheme, host, from: '127.0.0.3', headers: spoofed(scheme) })
      expect(response.status).toBe(200)
      expect(response.body).toContain('imap.example.com')
      expect(response.body).not.toContain('other.example')
      expect(requestLine()).toMatchObject({ status: 200, domain, client: '127.0.0.3' })
    })

    it('gets an Autodiscover v2 URL on the host it asked', async () => {
      const response = await viaNginx(`/autodiscover/autodiscover.json?Email=alice%40${domain}&Protocol=AutodiscoverV1`, { scheme, host, headers: spoofed(scheme) })
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual({ Protocol: 'AutodiscoverV1', Url: `https://${host}/autodiscover/autodiscover.xml` })
    })

    // RFC 6764 §5: the domain's CalDAV context path, whatever X-Forwarded-Host the client claims.
    it('gets its own domain\'s CalDAV context path from /.well-known/caldav', async () => {
      const response = await viaNginx('/.well-known/caldav', { scheme, host, headers: spoofed(scheme) })
      expect(response.status).toBe(301)
      expect(response.headers.location).toBe('https://dav.example.com/dav/')
    })

    // Over http a GET is redirected to https on the same host; over https it is not (§2.7).
    it('gets the scheme it used and its own host in an Autodiscover GET (any letter case)', async () => {
      const response = await viaNginx('/AutoDiscover/AutoDiscover.xml', { scheme, host, headers: spoofed(scheme) })
      if (scheme === 'http') {
        expect(response.status).toBe(302)
        expect(response.headers.location).toBe(`https://${host}/AutoDiscover/AutoDiscover.xml`)
      } else {
        expect(response.headers.location).toBeUndefined()
        expect(requestLine()).toMatchObject({ path: '/AutoDiscover/AutoDiscover.xml' })
      }
    })
  })

  // NGINX picks the server block, and $host, from an absolute request line before the Host header.
  it('follows the request line\'s host over a Host header naming another domain', async () => {
    const answer = await rawRequest('GET http://example.com/.well-known/autoconfig/mail/config-v1.1.xml HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(answer).toContain('imap.example.com')
    expect(answer).not.toContain('other.example')
    expect(requestLine()).toMatchObject({ domain: 'example.com' })
  })
})

describe('the catch-all default_server refuses what the example does not list', () => {
  beforeEach(async () => {
    await target.reset()
    expect((await seed(target, TWO_PROVIDERS)).status).toBe(200)
    logged = []
  })
  afterEach(() => expect(requestLines()).toEqual([]))

  // 444: NGINX closes the connection without a byte; Node's client reports a hang-up.
  it.each(['other.example', 'autoconfig.other.example', '127.0.0.1'])('closes the connection for Host %s over http', async (host) => {
    await expect(viaNginx('/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=bob%40other.example', { host })).rejects.toThrow(/socket hang up/)
  })

  it('closes the connection for an HTTP/1.0 request without Host', async () => {
    expect(await rawRequest('GET /mail/config-v1.1.xml?emailaddress=bob%40other.example HTTP/1.0\r\n\r\n')).toBe('')
  })

  it('leaves an HTTP/1.1 request without Host to NGINX, which answers 400', async () => {
    expect(await rawRequest('GET /mail/config-v1.1.xml?emailaddress=bob%40other.example HTTP/1.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
  })

  it('closes the connection when the request line names an unlisted host, whatever Host says', async () => {
    expect(await rawRequest('GET http://other.example/.well-known/autoconfig/mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.example.com\r\nConnection: close\r\n\r\n')).toBe('')
  })

  it('rejects the TLS handshake for an unlisted server name, and without one', async () => {
    await expect(viaNginx('/.well-known/autoconfig/mail/config-v1.1.xml', { scheme: 'https', host: 'other.example' })).rejects.toThrow(/unrecognized name/i)
    await expect(viaNginx('/.well-known/autoconfig/mail/config-v1.1.xml', { scheme: 'https', host: 'example.com', sni: null })).rejects.toThrow(/unrecognized name/i)
  })

  it('closes the connection when the TLS name is listed but Host is not', async () => {
    await expect(viaNginx('/.well-known/autoconfig/mail/config-v1.1.xml', { scheme: 'https', host: 'other.example', sni: 'autoconfig.example.com' })).rejects.toThrow(/socket hang up/)
  })

  it.each(['http', 'https'] as const)('answers only the two client paths on a bare domain (%s), 404 for the rest', async (scheme) => {
    for (const path of ['/', '/mail/config-v1.1.xml?emailaddress=alice%40example.com', '/initdb/', '/admin/domains'])
      expect((await viaNginx(path, { scheme, host: 'example.com' })).status, path).toBe(404)
  })

  it('leaves the rest of the website alone', async () => {
    const page = await viaNginx('/', { host: WEBSITE })
    expect(page.status).toBe(200)
    expect(page.body).toBe(`the website of ${WEBSITE}\n`)
  })
})

describe('docs/self-hosting/nginx-mailconf.conf', () => {
  it('passes nginx -t as shipped (default ports, IPv6), with the snippet and a certificate in place', () => {
    const prefix = join(folder, 'shipped')
    mkdirSync(join(prefix, 'snippets'), { recursive: true })
    writeFileSync(join(prefix, 'snippets/mailconf-proxy.conf'), readFileSync(join(EXAMPLES, 'mailconf-proxy.conf')))
    writeFileSync(join(prefix, 'site.conf'), withTestCertificate(readFileSync(join(EXAMPLES, 'nginx-mailconf.conf'), 'utf8')))
    writeFileSync(join(prefix, 'nginx.conf'), `pid ${prefix}/nginx.pid; error_log stderr; events {} http { include site.conf; }`)
    const check = spawnSync(NGINX ?? 'nginx', ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { encoding: 'utf8' })
    expect(check.stderr).toContain('syntax is ok')
    expect(check.status, check.stderr).toBe(0)
  })

  // The running NGINX above has no IPv6 listens: the catch-all must be the default there too.
  it('makes the catch-all the default server of every listen, IPv6 included', () => {
    const site = readFileSync(join(EXAMPLES, 'nginx-mailconf.conf'), 'utf8')
    const defaults = site.match(/^\s*listen .*\bdefault_server\b.*$/gm)?.map((line) => line.trim().replace(/\s+default_server/, ''))
    expect(defaults).toEqual(['listen 80;', 'listen [::]:80;', 'listen 443 ssl http2;', 'listen [::]:443 ssl http2;'])
  })
})
