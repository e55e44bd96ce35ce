/**
 * The `mailconf` CLI, run as a child process against a real local Worker (support/local-worker.ts),
 * one Worker for the whole file. Most runs use the bundle that `npm run build:cli` writes (built
 * once, into a temporary copy laid out as the production install leaves it: bin/ and dist/, no cli/
 * sources, no node_modules, so no tsx), run with plain `node`: the artifact operators run, and four
 * times faster to start than tsx. The help and token tests run this checkout's bin/mailconf.mjs, the
 * development path.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ROOT, startLocalWorker, type LocalWorker } from '../support/node/local-worker'

let worker: LocalWorker
let scratch: string

/** The production-like copy: bin/mailconf.mjs and dist/mailconf.mjs only. */
let install: string
let bundle: string
const checkoutBin = join(ROOT, 'bin/mailconf.mjs')

function npmRun(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', ...args], { cwd: ROOT }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }))
  })
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mailconf-cli-'))
  install = join(scratch, 'install')
  bundle = join(install, 'dist/mailconf.mjs')
  await mkdir(join(install, 'bin'), { recursive: true })
  await copyFile(checkoutBin, join(install, 'bin/mailconf.mjs'))
  const [started, build] = await Promise.all([startLocalWorker(), npmRun(['build:cli', '--', `--outfile=${bundle}`])])
  worker = started
  expect(build, build.stderr).toMatchObject({ code: 0 })
}, 60_000)
afterAll(async () => {
  await worker?.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

// Each test starts from an empty database.
beforeEach(async () => {
  const response = await fetch(new URL('initdb/', worker.url), { method: 'DELETE', headers: { Authorization: `Bearer ${worker.token}` } })
  expect(response.status).toBe(200)
})

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

interface RunOptions {
  /** The token in MAILCONF_ADMIN_TOKEN; null: none. */
  readonly token?: string | null
  /** --url; null: none given. */
  readonly url?: string | null
  /** The script node runs (default: the bundle). */
  readonly script?: string
}

function runNode(script: string, args: string[], options: RunOptions = {}): Promise<Run> {
  const token = options.token === undefined ? worker.token : options.token
  // No NODE_OPTIONS and no loader flags: node runs the script as an operator's shell would.
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, NO_COLOR: '1' }
  if (token !== null) env.MAILCONF_ADMIN_TOKEN = token
  const url = options.url === undefined ? worker.url : options.url
  const argv = url === null ? args : ['--url', url, ...args]
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...argv], { cwd: scratch, env: env as NodeJS.ProcessEnv }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const mailconf = (args: string[], options: RunOptions = {}) => runNode(options.script ?? bundle, args, options)
const lines = (run: Run) => run.stdout.trimEnd().split('\n')

const SAMPLE = join(ROOT, 'seed/sample.json')

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, worker.url), {
    method,
    headers: { Authorization: `Bearer ${worker.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
}

/** Set-up through the API directly (faster than a CLI run); the CLI's own seed command has its test. */
async function seedSample(): Promise<void> {
  expect((await api('POST', 'initdb/', await readFile(SAMPLE, 'utf8'))).status).toBe(200)
}

/** One provider (id 1) with the domain acme.example (id 1). */
async function oneDomain(): Promise<void> {
  expect((await api('POST', 'admin/providers', { name: 'Acme Mail' })).status).toBe(201)
  expect((await api('POST', 'admin/domains', { name: 'acme.example', provider_id: 1 })).status).toBe(201)
}

/** A stand-in service that records the requests it gets and answers each with `answer`. */
async function stubService(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  const seen: string[] = []
  const server = createHttpServer((request, response) => {
    seen.push(`${request.method} ${request.url}`)
    answer(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe.concurrent('mailconf help', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])('mailconf %j prints the overview without a token and exits 0', async (args) => {
    const run = await mailconf(args, { token: null, url: null, script: checkoutBin })
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toMatch(/^usage: mailconf /)
    for (const command of ['seed', 'import', 'export', 'purge', 'providers', 'domains', 'servers', 'davservers', 'ldapservers', 'activesync', 'dns']) {
      expect(run.stdout).toContain(`\n  ${command} `)
    }
    expect(run.stdout).toContain('MAILCONF_ADMIN_TOKEN')
  })

  it.each([
    [['servers', '--help'], 'usage: mailconf servers list'],
    [['servers', 'add', '--help'], '--socket-type'],
    [['help', 'ldapservers'], '--bind-password-file FILE'],
    [['purge', '--help'], 'usage: mailconf purge --yes'],
    [['dns', '--help'], '--service-host HOST'],
    [['seed', '-h'], 'usage: mailconf seed FILE'],
  ])('mailconf %j prints that command\'s usage without a token and exits 0', async (args, text) => {
    const run = await mailconf(args, { token: null, url: null })
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toContain(text)
  })

  it('answers an unknown command with exit 2 and the list of commands, before asking for a token', async () => {
    for (const args of [['frobnicate'], ['help', 'frobnicate']]) {
      const run = await mailconf(args, { token: null, script: checkoutBin })
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("unknown command 'frobnicate'; commands: help, seed, import, export, purge, providers, domains, servers, davservers, urlservers, sieveservers, ldapservers, activesync, dns")
      expect(run.stderr).toContain('usage: mailconf ')
    }
  })
})

describe('mailconf CLI', () => {
  it('seeds a file, then refuses to seed over existing data with exit code 1, pointing to purge', async () => {
    const first = await mailconf(['seed', SAMPLE])
    expect(first).toMatchObject({ code: 0, stdout: 'loaded 1 providers, 3 domains, 4 servers, 2 davservers, 0 urlservers, 0 sieveservers, 0 ldapservers\n' })
    const second = await mailconf(['seed', SAMPLE])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('409: the database already holds 1 provider(s)')
    expect(second.stderr).toContain('mailconf purge --yes deletes everything first')
  })

  it('purges only with --yes', async () => {
    await seedSample()
    const refused = await mailconf(['purge'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('run `mailconf purge --yes` to do it')
    expect(lines(await mailconf(['domains', 'list']))).toHaveLength(3)

    expect(await mailconf(['purge', '--yes'])).toMatchObject({ code: 0, stdout: 'deleted everything: 1 provider(s), 3 domain(s) and all servers\n' })
    expect((await mailconf(['domains', 'list'])).stdout).toBe('')
    expect((await mailconf(['seed', SAMPLE])).code).toBe(0)
  })

  it('lists, adds and removes providers', async () => {
    expect(await mailconf(['providers', 'add', 'Acme Mail', '--short-name', 'Acme'])).toMatchObject({ code: 0, stdout: 'added provider 1 Acme Mail (short name Acme)\n' })
    expect(await mailconf(['providers', 'add', 'Second Mail'])).toMatchObject({ code: 0, stdout: 'added provider 2 Second Mail (short name Second)\n' })
    expect(await mailconf(['domains', 'add', 'acme.example', '--provider', '1'])).toMatchObject({ code: 0 })
    expect(lines(await mailconf(['providers', 'list']))).toEqual(['1\tAcme Mail\tAcme\t-\tacme.example', '2\tSecond Mail\tSecond\t-\t-'])
    const json = await mailconf(['providers', 'list', '--json'])
    expect(JSON.parse(json.stdout)).toEqual(await (await api('GET', 'admin/providers')).json())

    const refused = await mailconf(['providers', 'rm', '1'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('409: provider 1 still has 1 domain(s): acme.example')
    expect(refused.stderr).toContain('add --cascade to delete its domains with it')
    expect(await mailconf(['providers', 'rm', '1', '--cascade'])).toMatchObject({ code: 0, stdout: 'deleted provider 1 Acme Mail with its domains acme.example\n' })
    expect(await mailconf(['providers', 'rm', '2'])).toMatchObject({ code: 0, stdout: 'deleted provider 2 Second Mail\n' })
    expect((await mailconf(['providers', 'list'])).stdout).toBe('')
    expect((await mailconf(['domains', 'list'])).stdout).toBe('')
  })

  it('adds a provider with the landing page\'s logo and support links, refusing a plain-http logo', async () => {
    const added = await mailconf(['providers', 'add', 'Brand Mail', '--logo-url', 'https://cdn.brand.example/logo.svg', '--support-url', 'https://brand.example/help', '--support-email', 'help@brand.example', '--json'])
    expect(added.code, added.stderr).toBe(0)
    expect(JSON.parse(added.stdout)).toMatchObject({ logo_url: 'https://cdn.brand.example/logo.svg', support_url: 'https://brand.example/help', support_email: 'help@brand.example' })
    const refused = await mailconf(['providers', 'add', 'Plain Mail', '--logo-url', 'http://cdn.brand.example/logo.svg'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('logo_url')
  })

  it('lists, adds and removes domains', async () => {
    await seedSample()
    const added = await mailconf(['domains', 'add', 'Bücher.example'])
    expect(added).toMatchObject({ code: 0, stdout: 'added xn--bcher-kva.example (id 4, provider 1)\n' })
    const listed = await mailconf(['domains', 'list'])
    expect(lines(listed)).toEqual(['example.com\tExample Inc.', 'example.net\tExample Inc.', 'example.org\tExample Inc.', 'xn--bcher-kva.example\tExample Inc.'])
    expect(await mailconf(['domains', 'rm', 'example.net'])).toMatchObject({ code: 0, stdout: 'deleted example.net\n' })
    expect((await mailconf(['domains', 'list'])).stdout).not.toContain('example.net')
  })

  it('adds mail servers, links them to domains, lists, unlinks and removes them', async () => {
    await oneDomain()
    expect(await mailconf(['servers', 'add', 'imap', 'imap.acme.example'])).toMatchObject({ code: 0, stdout: 'added server 1: imap imap.acme.example port 993 SSL, authentication plain\n' })
    const smtp = await mailconf(['servers', 'add', 'smtp', 'smtp.acme.example', '--port', '587', '--auth', 'secure', '--prio', '5', '--username', '%EMAILLOCALPART%'])
    expect(smtp).toMatchObject({ code: 0, stdout: 'added server 2: smtp smtp.acme.example port 587 STARTTLS, authentication secure\n' })
    expect(await mailconf(['servers', 'link', '1', 'acme.example'])).toMatchObject({ code: 0, stdout: 'linked server 1 to acme.example; it serves acme.example\n' })
    expect((await mailconf(['servers', 'link', '2', 'acme.example'])).code).toBe(0)
    expect(lines(await mailconf(['servers', 'list']))).toEqual([
      '1\timap\timap.acme.example\t993\tSSL\tplain\t10\t%EMAILADDRESS%\tacme.example',
      '2\tsmtp\tsmtp.acme.example\t587\tSTARTTLS\tsecure\t5\t%EMAILLOCALPART%\tacme.example',
    ])
    expect(JSON.parse((await mailconf(['servers', 'list', '--json'])).stdout)).toEqual(await (await api('GET', 'admin/servers')).json())
    // The links are what the DNS records are made of.
    const zone = await mailconf(['dns', 'acme.example', '--service-host', 'autoconfig.acme.example'])
    expect(zone.stdout).toContain('_imaps._tcp.acme.example. 3600 IN SRV 0 1 993 imap.acme.example.')
    expect(zone.stdout).toContain('_submission._tcp.acme.example. 3600 IN SRV 0 1 587 smtp.acme.example.')

    expect(await mailconf(['servers', 'unlink', '1', 'acme.example'])).toMatchObject({ code: 0, stdout: 'unlinked server 1 from acme.example; it serves no domain\n' })
    expect(await mailconf(['servers', 'rm', '2'])).toMatchObject({ code: 0, stdout: 'deleted server 2 with its links\n' })
    expect(lines(await mailconf(['servers', 'list']))).toEqual(['1\timap\timap.acme.example\t993\tSSL\tplain\t10\t%EMAILADDRESS%\t-'])
  })

  it('adds DAV servers, links them to domains, lists, unlinks and removes them', async () => {
    await oneDomain()
    expect(await mailconf(['davservers', 'add', 'caldav', 'https://dav.acme.example/caldav/'])).toMatchObject({ code: 0, stdout: 'added DAV server 1: caldav https://dav.acme.example/caldav/ port 443 ssl\n' })
    const carddav = await mailconf(['davservers', 'add', 'carddav', 'http://dav.acme.example:8008/carddav/', '--domain-required', '--username', '%EMAILLOCALPART%'])
    expect(carddav).toMatchObject({ code: 0, stdout: 'added DAV server 2: carddav http://dav.acme.example:8008/carddav/ port 8008 no-ssl\n' })
    expect(await mailconf(['davservers', 'link', '2', 'acme.example'])).toMatchObject({ code: 0, stdout: 'linked DAV server 2 to acme.example; it serves acme.example\n' })
    expect(lines(await mailconf(['davservers', 'list']))).toEqual([
      '1\tcaldav\thttps://dav.acme.example/caldav/\t443\tssl\t%EMAILADDRESS%\t-',
      '2\tcarddav\thttp://dav.acme.example:8008/carddav/\t8008\tno-ssl\t%EMAILLOCALPART%\tacme.example',
    ])
    const [, second] = JSON.parse((await mailconf(['davservers', 'list', '--json'])).stdout) as unknown[]
    expect(second).toMatchObject({ id: 2, domain_required: true, domains: ['acme.example'] })
    expect(await mailconf(['davservers', 'unlink', '2', 'acme.example'])).toMatchObject({ code: 0, stdout: 'unlinked DAV server 2 from acme.example; it serves no domain\n' })
    expect(await mailconf(['davservers', 'rm', '1'])).toMatchObject({ code: 0, stdout: 'deleted DAV server 1 with its links\n' })
    expect(lines(await mailconf(['davservers', 'list']))).toHaveLength(1)
  })

  it('adds JMAP/WebDAV and ManageSieve servers, links, lists and removes them', async () => {
    await oneDomain()
    expect(await mailconf(['urlservers', 'add', 'jmap', 'https://jmap.acme.example/.well-known/jmap'])).toMatchObject({ code: 0, stdout: 'added URL server 1: jmap https://jmap.acme.example/.well-known/jmap\n' })
    expect((await mailconf(['urlservers', 'add', 'webdav', 'https://files.acme.example/dav/', '--username', '%EMAILLOCALPART%'])).code).toBe(0)
    expect(await mailconf(['urlservers', 'link', '1', 'acme.example'])).toMatchObject({ code: 0, stdout: 'linked URL server 1 to acme.example; it serves acme.example\n' })
    expect(lines(await mailconf(['urlservers', 'list']))).toEqual([
      '1\tjmap\thttps://jmap.acme.example/.well-known/jmap\t%EMAILADDRESS%\tacme.example',
      '2\twebdav\thttps://files.acme.example/dav/\t%EMAILLOCALPART%\t-',
    ])
    const plainHttp = await mailconf(['urlservers', 'add', 'jmap', 'http://jmap.acme.example/'])
    expect(plainHttp.code).toBe(1)
    expect(plainHttp.stderr).toContain('https')
    expect(await mailconf(['urlservers', 'rm', '2'])).toMatchObject({ code: 0, stdout: 'deleted URL server 2 with its links\n' })

    expect(await mailconf(['sieveservers', 'add', 'sieve.acme.example'])).toMatchObject({ code: 0, stdout: 'added ManageSieve server 1: sieve.acme.example port 4190 STARTTLS, authentication plain\n' })
    expect((await mailconf(['sieveservers', 'link', '1', 'acme.example'])).code).toBe(0)
    expect(lines(await mailconf(['sieveservers', 'list']))).toEqual(['1\tsieve.acme.example\t4190\tSTARTTLS\tplain\t%EMAILADDRESS%\tacme.example'])
  })

  it('adds a provider with OAuth2 settings and a documentation URL; an OAuth2 detail without an issuer is a usage error', async () => {
    const added = await mailconf(['providers', 'add', 'Open Mail', '--oauth2-issuer', 'https://login.open.example', '--oauth2-scope', 'IMAP SMTP', '--oauth2-token-url', 'https://login.open.example/token', '--oauth2-only', '--documentation-url', 'https://help.open.example/mail', '--json'])
    expect(added.code, added.stderr).toBe(0)
    expect(JSON.parse(added.stdout)).toMatchObject({
      documentation_url: 'https://help.open.example/mail',
      oauth2: { issuer: 'https://login.open.example', scope: 'IMAP SMTP', auth_url: null, token_url: 'https://login.open.example/token', client_id: null, password: false },
    })
    expect(lines(await mailconf(['providers', 'list']))).toEqual(['1\tOpen Mail\tOpen\thttps://login.open.example\t-'])
    const noIssuer = await mailconf(['providers', 'add', 'Half Mail', '--oauth2-scope', 'IMAP'])
    expect(noIssuer.code).toBe(2)
    expect(noIssuer.stderr).toContain('--oauth2-scope needs --oauth2-issuer')
  })

  it('adds LDAP servers with the bind password from a file, never showing it, and removes them once unused', async () => {
    await oneDomain()
    const passwordFile = join(scratch, 'bind-password')
    await writeFile(passwordFile, 's3cret pass\n', { mode: 0o600 })
    const added = await mailconf([
      'ldapservers', 'add', 'ldap.acme.example', '--search-base', 'ou=people,dc=acme,dc=example',
      '--bind-user', 'cn=mailconf,dc=acme,dc=example', '--bind-password-file', passwordFile,
    ])
    expect(added).toMatchObject({ code: 0, stdout: 'added LDAP server 1: ldap.acme.example port 636 ssl, with a bind password\n' })
    expect(await mailconf(['ldapservers', 'add', 'dir.acme.example', '--search-base', 'dc=acme,dc=example', '--port', '389', '--search-filter', '(uid={0})'])).toMatchObject({
      code: 0,
      stdout: 'added LDAP server 2: dir.acme.example port 389 no-ssl\n',
    })
    expect(lines(await mailconf(['ldapservers', 'list']))).toEqual([
      '1\tldap.acme.example\t636\tssl\tou=people,dc=acme,dc=example\t(mail={0})\tcn=mailconf,dc=acme,dc=example\t-',
      '2\tdir.acme.example\t389\tno-ssl\tdc=acme,dc=example\t(uid={0})\t-\t-',
    ])
    const json = await mailconf(['ldapservers', 'list', '--json'])
    expect(json.stdout).not.toContain('s3cret')
    expect(JSON.parse(json.stdout)).toMatchObject([{ id: 1, has_bind_password: true }, { id: 2, has_bind_password: false }])
    // The password as stored: the file's content without its final newline.
    const exported = JSON.parse((await mailconf(['export', '--include-secrets'])).stdout) as { ldapservers: { bind_password?: string }[] }
    expect(exported.ldapservers[0]?.bind_password).toBe('s3cret pass')

    expect((await mailconf(['domains', 'add', 'users.example', '--ldapserver', '1'])).code).toBe(0)
    const inUse = await mailconf(['ldapservers', 'rm', '1'])
    expect(inUse.code).toBe(1)
    expect(inUse.stderr).toContain('409: LDAP server 1 is used by users.example')
    expect((await mailconf(['domains', 'rm', 'users.example'])).code).toBe(0)
    expect(await mailconf(['ldapservers', 'rm', '1'])).toMatchObject({ code: 0, stdout: 'deleted LDAP server 1 ldap.acme.example\n' })
    expect(lines(await mailconf(['ldapservers', 'list']))).toHaveLength(1)
  })

  it('sets, reads and removes the ActiveSync URL of a domain', async () => {
    await oneDomain()
    const url = 'https://eas.acme.example/Microsoft-Server-ActiveSync'
    expect(await mailconf(['activesync', 'set', 'acme.example', url])).toMatchObject({ code: 0, stdout: `set the ActiveSync URL of acme.example to ${url}\n` })
    expect(await mailconf(['activesync', 'get', 'acme.example'])).toMatchObject({ code: 0, stdout: `acme.example\t${url}\n` })
    expect(JSON.parse((await mailconf(['activesync', 'get', 'acme.example', '--json'])).stdout)).toEqual({ domain: 'acme.example', url })
    expect(await mailconf(['activesync', 'rm', 'acme.example'])).toMatchObject({ code: 0, stdout: 'deleted the ActiveSync URL of acme.example\n' })
    const gone = await mailconf(['activesync', 'get', 'acme.example'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('404: no ActiveSync URL for acme.example')
  })

  // Refusals write nothing and usage errors send nothing, so every case runs at once on one seed.
  it('answers each refused or malformed command with its exit code and a clear message', async () => {
    await seedSample()
    const cases: [string[], number, string][] = [
      [['domains', 'add', 'example.com'], 1, '409: the domain example.com already exists'],
      [['domains', 'add', 'not a domain'], 1, "name: 'not a domain' is not a valid domain name"],
      [['domains', 'add', 'new.example', '--provider', '9'], 1, 'provider_id: no provider 9'],
      [['domains', 'add', 'new.example', '--provider', 'first'], 2, '--provider must be an id'],
      [['domains', 'rm', 'unknown.example'], 1, '404: no domain unknown.example'],
      [['domains', 'move', 'example.com'], 2, "unknown domains action 'move'"],
      [['domains'], 2, 'domains needs list, add or rm'],
      [['domains', 'list', '--cascade'], 2, "Unknown option '--cascade'"],
      [['providers', 'rm', 'first'], 2, "ID must be an id (a positive whole number), not 'first'"],
      [['providers', 'add'], 2, 'missing NAME'],
      [['servers', 'add', 'imap'], 2, 'missing HOST'],
      [['servers', 'add', 'imap', 'imap.example.com', '--port', 'imaps'], 2, "--port must be a whole number, not 'imaps'"],
      [['servers', 'add', 'imap', 'imap.example.com', '--port', '70000'], 1, 'port: must be from 1 to 65535'],
      [['servers', 'add', 'gopher', 'gopher.example.com'], 1, 'type: must be one of imap, pop, pop3, smtp'],
      [['servers', 'add', 'imap', 'imap.example.com', '--auth', 'none'], 1, "authentication: 'none' is only allowed for smtp servers"],
      [['servers', 'link', '99', 'example.com'], 1, '404: no server 99'],
      [['servers', 'link', '1', 'unknown.example'], 1, '404: no domain unknown.example'],
      [['davservers', 'add', 'caldav', 'ftp://dav.example.com/'], 1, 'url: must be an http or https URL'],
      [['davservers', 'add', 'caldav', 'https://dav.example.com/', '--ssl', '--no-ssl'], 2, '--ssl and --no-ssl exclude each other'],
      [['ldapservers', 'add', 'ldap.example.com'], 2, 'missing --search-base DN'],
      [['ldapservers', 'add', 'ldap.example.com', '--search-base', 'dc=example', '--bind-password', 'x'], 2, "Unknown option '--bind-password'"],
      [['ldapservers', 'rm', '7'], 1, '404: no LDAP server 7'],
      [['activesync', 'set', 'example.com', 'http://eas.example.com/'], 1, 'url: must be an https URL'],
      [['activesync', 'get', 'unknown.example'], 1, '404: no domain unknown.example'],
      [['dns', 'unknown.example', '--service-host', 'autoconfig.example.com'], 1, '404: no mail configuration for unknown.example'],
      [['dns', 'example.com', '--service-host', '127.0.0.1'], 2, 'a CNAME cannot point at an address'],
      [['dns', 'example.com', '--service-host', 'https://autoconfig.example.com/'], 2, '--service-host must be a host name'],
      [['frobnicate'], 2, "unknown command 'frobnicate'"],
      [['seed'], 2, 'missing FILE'],
      [['import', '/nonexistent/file.json'], 2, 'cannot read /nonexistent/file.json'],
      [['export', '--bogus'], 2, "Unknown option '--bogus'"],
    ]
    const runs = await Promise.all(cases.map(([args]) => mailconf(args)))
    cases.forEach(([args, code, message], i) => {
      expect.soft(runs[i]?.code, `mailconf ${JSON.stringify(args)}: ${runs[i]?.stderr}`).toBe(code)
      expect.soft(runs[i]?.stderr, `mailconf ${JSON.stringify(args)}`).toContain(message)
    })
    // Nothing was written.
    expect(await (await api('GET', 'admin/domains')).json()).toHaveLength(3)
    expect(await (await api('GET', 'admin/servers')).json()).toHaveLength(4)
    expect(await (await api('GET', 'admin/ldapservers')).json()).toHaveLength(0)
  })

  it('asks for a provider when there are several', async () => {
    await seedSample()
    expect((await api('POST', 'admin/providers', { name: 'Second Mail' })).status).toBe(201)
    const run = await mailconf(['domains', 'add', 'new.example'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('there are 2 providers; choose one with --provider ID (1 Example Inc., 2 Second Mail)')
    expect((await mailconf(['domains', 'add', 'new.example', '--provider', '2'])).stdout).toContain('provider 2')
    expect(lines(await mailconf(['domains', 'list', '--provider', '2']))).toEqual(['new.example\tSecond Mail'])
  })

  it('exports to a file and imports it back, refusing a non-empty database without --replace', async () => {
    await seedSample()
    await mailconf(['domains', 'rm', 'example.net'])
    const file = join(scratch, 'export.json')
    expect((await mailconf(['export', '-o', file])).code).toBe(0)
    const exported = await readFile(file, 'utf8')
    expect(JSON.parse(exported)).toMatchObject({ version: 2, providers: [{ id: 1, provider: 'Example Inc.' }] })

    const refused = await mailconf(['import', file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('409: the database is not empty')
    expect(refused.stderr).toContain('add --replace to replace everything in it')

    await mailconf(['domains', 'add', 'later.example'])
    expect(await mailconf(['import', file, '--replace'])).toMatchObject({ code: 0, stdout: 'replaced everything with 1 providers, 2 domains, 4 servers, 2 davservers, 0 urlservers, 0 sieveservers, 0 ldapservers\n' })
    const again = await mailconf(['export'])
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(exported))
  })

  it('reports each problem of an invalid import with its field path, writing nothing', async () => {
    const file = join(scratch, 'invalid.json')
    await writeFile(file, JSON.stringify({ version: 2, provider: 'X', domains: ['x.example'], servers: [{ type: 'imap', name: 'i.example', port: 0 }] }))
    const run = await mailconf(['import', file])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('400: invalid seed document\n  servers[0].port: must be from 1 to 65535')
    expect((await mailconf(['domains', 'list'])).stdout).toBe('')
  })

  it('exits 2 without MAILCONF_ADMIN_TOKEN and 1 with a wrong one', async () => {
    const missing = await mailconf(['domains', 'list'], { token: null, script: checkoutBin })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('set MAILCONF_ADMIN_TOKEN')
    const wrong = await mailconf(['domains', 'list'], { token: 'wrong', script: checkoutBin })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('401: missing or wrong admin token')
  })

  it('says where to look when the admin API does not exist at --url (no ADMIN_TOKEN there, or another ADMIN_HOSTNAME)', async () => {
    const stub = await stubService((_request, response) => response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'))
    try {
      const run = await mailconf(['providers', 'list'], { url: stub.url })
      expect(run.code).toBe(1)
      expect(run.stderr).toBe('mailconf: the service refused: 404: not found (is ADMIN_TOKEN set on the service? If ADMIN_HOSTNAME is, --url must use that host)\n')
    } finally {
      await stub.close()
    }
  })

  it('exits 3 when the service cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
      })
    })
    const run = await mailconf(['domains', 'list'], { url: `http://127.0.0.1:${port}` })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain(`cannot reach http://127.0.0.1:${port}`)
  })
})

describe('mailconf dns', () => {
  it('prints the DNS records as a zone file, or JSON with --json', async () => {
    await seedSample()
    const zone = await mailconf(['dns', 'example.com', '--service-host', 'autoconfig.example.com'])
    expect(zone.code).toBe(0)
    expect(zone.stdout).toContain('_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.')
    const json = await mailconf(['dns', 'example.com', '--json', '--service-host', 'autoconfig.example.com'])
    expect(JSON.parse(json.stdout)).toMatchObject({ domain: 'example.com' })
  })

  it('sends --service-host as ?service_host=, next to format=json', async () => {
    const stub = await stubService((_request, response) => response.writeHead(200, { 'Content-Type': 'text/plain' }).end('autoconfig.example.com. 3600 IN CNAME mail.example.net.\n'))
    try {
      const run = await mailconf(['dns', 'example.com', '--service-host', 'mail.example.net'], { url: stub.url })
      expect(run).toMatchObject({ code: 0, stdout: 'autoconfig.example.com. 3600 IN CNAME mail.example.net.\n' })
      await mailconf(['dns', 'Example.COM', '--json', '--service-host', 'mail.example.net.'], { url: stub.url })
      await mailconf(['dns', 'example.com'], { url: stub.url })
      expect(stub.seen).toEqual([
        'GET /admin/dns/example.com?service_host=mail.example.net',
        'GET /admin/dns/Example.COM?format=json&service_host=mail.example.net',
        'GET /admin/dns/example.com',
      ])
    } finally {
      await stub.close()
    }
  })

  it("prints the service's refusal to guess a target (409 naming SERVICE_HOSTNAME) and exits 1", async () => {
    const message = 'SERVICE_HOSTNAME is not set and the request reached the service as 127.0.0.1: set SERVICE_HOSTNAME to the public host name'
    const stub = await stubService((_request, response) => response.writeHead(409, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: message })))
    try {
      const run = await mailconf(['dns', 'example.com'], { url: stub.url })
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toBe(`mailconf: the service refused: 409: ${message}\nset SERVICE_HOSTNAME on the service, or name the target here with --service-host HOST\n`)
    } finally {
      await stub.close()
    }
  })

  // The local Worker runs without SERVICE_HOSTNAME, and reaches the CLI as 127.0.0.1.
  it('points the autoconfig and autodiscover names at --service-host', async () => {
    await seedSample()
    const zone = await mailconf(['dns', 'example.com', '--service-host', 'mail.example.net'])
    expect(zone.code).toBe(0)
    expect(zone.stdout).toContain('autoconfig.example.com. 3600 IN CNAME mail.example.net.')
    expect(zone.stdout).toContain('autodiscover.example.com. 3600 IN CNAME mail.example.net.')
    expect(zone.stdout).toContain('_autodiscover._tcp.example.com. 3600 IN SRV 0 0 443 mail.example.net.')
    expect(zone.stdout).not.toContain('127.0.0.1')
  })

  it('refuses without SERVICE_HOSTNAME or --service-host instead of pointing at 127.0.0.1', async () => {
    await seedSample()
    const run = await mailconf(['dns', 'example.com'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^mailconf: the service refused: 409: .*SERVICE_HOSTNAME/)
    expect(run.stderr).toContain('set SERVICE_HOSTNAME on the service, or name the target here with --service-host HOST')
    expect(run.stderr).not.toContain('CNAME')
  })
})

describe('the CLI bundle and bin/mailconf.mjs', () => {
  it('is built by npm run build:node and imports nothing but node: modules', async () => {
    const scripts = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts['build:node']).toContain('npm run build:cli')
    const code = await readFile(bundle, 'utf8')
    expect(code).toMatch(/^#!\/usr\/bin\/env node\n/)
    // Block comments go first: bundled JSDoc mentions `import('./Matcher.js')` in type annotations.
    const imported = [...code.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => m[1] ?? m[2] ?? m[3])
    expect(imported.length).toBeGreaterThan(0)
    expect(imported.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([])
  })

  it('runs with plain node: help without a token, and a command against the Worker', async () => {
    const help = await mailconf(['--help'], { script: bundle, token: null, url: null })
    expect(help).toMatchObject({ code: 0, stderr: '' })
    expect(help.stdout).toMatch(/^usage: mailconf /)

    await seedSample()
    for (const script of [bundle, join(install, 'bin/mailconf.mjs')]) {
      const listed = await mailconf(['providers', 'list'], { script })
      expect(listed, listed.stderr).toMatchObject({ code: 0, stdout: '1\tExample Inc.\tExample\t-\texample.com,example.net,example.org\n', stderr: '' })
    }
    const added = await mailconf(['servers', 'add', 'imap', 'imap2.example.com'], { script: join(install, 'bin/mailconf.mjs') })
    expect(added).toMatchObject({ code: 0, stdout: 'added server 5: imap imap2.example.com port 993 SSL, authentication plain\n' })
  })

  it('bin/mailconf.mjs warns when the bundle is older than cli/ and tsx is absent, and says how to build a missing one', async () => {
    const stale = join(scratch, 'stale')
    await mkdir(join(stale, 'bin'), { recursive: true })
    await mkdir(join(stale, 'dist'), { recursive: true })
    await mkdir(join(stale, 'cli'), { recursive: true })
    await copyFile(join(ROOT, 'bin/mailconf.mjs'), join(stale, 'bin/mailconf.mjs'))
    await copyFile(join(install, 'dist/mailconf.mjs'), join(stale, 'dist/mailconf.mjs'))
    await writeFile(join(stale, 'cli/main.ts'), '// newer than the bundle\n')
    const past = new Date(Date.now() - 60_000)
    await utimes(join(stale, 'dist/mailconf.mjs'), past, past)
    const run = await mailconf(['help', 'purge'], { script: join(stale, 'bin/mailconf.mjs'), token: null, url: null })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('usage: mailconf purge --yes')
    expect(run.stderr).toContain('dist/mailconf.mjs is older than cli/; run `npm run build:node`')

    await rm(join(stale, 'dist'), { recursive: true })
    const missing = await mailconf(['--help'], { script: join(stale, 'bin/mailconf.mjs'), token: null, url: null })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('dist/mailconf.mjs is missing and tsx is not installed: run `npm run build:node`')
  })
})
