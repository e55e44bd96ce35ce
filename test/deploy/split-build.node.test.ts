/**
 * The Worker as `wrangler deploy` uploads it (scripts/build-worker.mjs, run by wrangler as the
 * [build] command): a main module and the chunks it imports statically, which every isolate
 * evaluates at start-up, and the modules only `import()` reaches (admin API, CMS signing, LDAP
 * client). What a config request never needs must stay out of the first group, `node:` built-ins
 * included; and the upload, served as it is, must answer config and admin requests.
 * (docs/ARCHITECTURE.md "Start-up"; the worker test project runs the TypeScript source instead.)
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestHarness, type TestHarness } from 'wrangler'
import sample from '../../seed/sample.json'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ADMIN_TOKEN = 'split-build-test-token-7d1e'

interface MetaOutput {
  readonly entryPoint?: string
  readonly inputs: Record<string, { readonly bytesInOutput: number }>
  readonly imports: readonly { readonly path: string; readonly kind: string; readonly external?: boolean }[]
}

let folder: string
let uploaded: Map<string, string>
/** esbuild's facts per module of dist/worker/, by module name. */
let outputs: Map<string, MetaOutput>
let startup: Set<string>

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mailconf-split-'))
  const env = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', join(folder, 'out'), '--outfile', join(folder, 'upload')], { cwd: ROOT, env })
  // The upload itself (multipart form data), as `wrangler check startup` and Cloudflare read it.
  const bytes = await readFile(join(folder, 'upload'))
  const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim()
  const form = await new Response(bytes, { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } }).formData()
  uploaded = new Map()
  for (const [name, value] of form) {
    if (typeof value !== 'string' && value.type === 'application/javascript+module') uploaded.set(name, await value.text())
  }
  const meta = JSON.parse(await readFile(join(ROOT, 'dist/worker.meta.json'), 'utf8')) as { outputs: Record<string, MetaOutput> }
  const moduleName = (path: string) => relative('dist/worker', path)
  outputs = new Map(Object.entries(meta.outputs).flatMap(([path, output]) => (path.endsWith('.map') ? [] : [[moduleName(path), output] as const])))
  startup = new Set()
  const visit = (name: string) => {
    if (startup.has(name)) return
    startup.add(name)
    for (const i of outputs.get(name)?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(moduleName(i.path))
  }
  visit('worker.js')
}, 60_000)
afterAll(() => rm(folder, { recursive: true, force: true }))

const packagesOf = (name: string) => Object.keys(outputs.get(name)?.inputs ?? {}).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? [])
const externalImports = (name: string) => (outputs.get(name)?.imports ?? []).filter((i) => i.external).map((i) => i.path)

describe('the split Worker build', () => {
  it('uploads the main module and every module of the build, the same bytes', async () => {
    expect([...uploaded.keys()].sort()).toEqual([...outputs.keys()].sort())
    expect(uploaded.has('worker.js')).toBe(true)
    for (const [name, code] of uploaded) expect(code, name).toBe(await readFile(join(ROOT, 'dist/worker', name), 'utf8'))
    // Written to --outdir too (what `createTestHarness({ prebuiltWorkerDir })` serves below).
    expect((await readdir(join(folder, 'out'))).filter((f) => f.endsWith('.js')).sort()).toEqual([...uploaded.keys()].sort())
  })

  it('keeps zod, the OpenAPI stack, the ASN.1 packages, ldapts, the libsql client, the XML parser and the QR encoder out of what start-up evaluates', () => {
    const eager = [...startup].flatMap(packagesOf)
    expect(eager).toContain('hono')
    expect(eager).toContain('drizzle-orm')
    for (const lazy of [
      'zod',
      '@hono/zod-openapi',
      '@asteasolutions/zod-to-openapi',
      'drizzle-zod',
      '@peculiar/asn1-cms',
      '@peculiar/asn1-schema',
      '@peculiar/asn1-x509',
      'asn1js',
      'ldapts',
      '@libsql/client',
      '@libsql/core',
      '@libsql/hrana-client',
      'fast-xml-parser',
      'is-unsafe',
      'uqr',
    ]) {
      expect(eager).not.toContain(lazy)
    }
  })

  // keepNames is off for the build and back on, file by file, for the packages that read names
  // (scripts/build-worker.mjs, keepNamesWhereRead).
  it('sets no function names at start-up, and keeps the names the lazy packages read', () => {
    const setsName = /\(\w+,"name",\{value:\w+,configurable:!0\}\)/
    for (const name of startup) expect(uploaded.get(name), name).not.toMatch(setsName)
    const cms = [...outputs].find(([, output]) => output.entryPoint === 'src/protocols/apple/cms.ts')![0]
    // @peculiar/asn1-schema parses a repeated field by `constructor.name === "Sequence"` (asn1js).
    expect(uploaded.get(cms)).toMatch(/\(this,"Sequence"\)/)
    const ldap = [...outputs].find(([, output]) => output.entryPoint === 'src/directory/client.ts')![0]
    expect(uploaded.get(ldap)).toMatch(/\(this,"SearchRequest"\)/)
  })

  it('imports no node: built-in at start-up (workerd would load it for every isolate)', () => {
    for (const name of startup) {
      expect(externalImports(name), name).toEqual([])
      expect(uploaded.get(name), name).not.toMatch(/from\s*"(node:)?(net|tls|crypto|events|assert|util)"/)
    }
  })

  it('loads the admin API, CMS signing, the LDAP client, the libsql client, the Autodiscover body parser and the QR code through import() only', () => {
    const lazyEntries = new Map([...outputs].filter(([name]) => !startup.has(name)).flatMap(([name, output]) => (output.entryPoint ? [[output.entryPoint, name] as const] : [])))
    expect([...lazyEntries.keys()].sort()).toEqual([
      'src/admin/api.ts',
      'src/db/libsql.ts',
      'src/directory/client.ts',
      'src/protocols/apple/cms.ts',
      'src/protocols/autodiscover/request.ts',
      'src/protocols/landing/qr.ts',
    ])
    for (const name of lazyEntries.values()) expect(uploaded.has(name), name).toBe(true)
    expect(packagesOf(lazyEntries.get('src/admin/api.ts')!)).toContain('zod')
    expect(packagesOf(lazyEntries.get('src/protocols/apple/cms.ts')!)).toContain('@peculiar/asn1-cms')
    expect(packagesOf(lazyEntries.get('src/db/libsql.ts')!)).toContain('@libsql/hrana-client')
    expect(packagesOf(lazyEntries.get('src/protocols/autodiscover/request.ts')!)).toContain('fast-xml-parser')
    expect(packagesOf(lazyEntries.get('src/protocols/landing/qr.ts')!)).toContain('uqr')
    const ldap = lazyEntries.get('src/directory/client.ts')!
    expect(packagesOf(ldap)).toContain('ldapts')
    // The node:util alias: ldapts gets the shim's silent debuglog, which re-exports workerd's `util`.
    expect(Object.keys(outputs.get(ldap)!.inputs)).toContain('src/directory/node-util-shim.js')
    expect(externalImports(ldap)).not.toContain('node:util')
    expect(externalImports(ldap)).toEqual(expect.arrayContaining(['node:net', 'node:tls', 'util']))
  })

  it('builds the Hyperdrive entry into its own folder (README "Using PostgreSQL or MySQL")', async () => {
    const files = await readdir(join(ROOT, 'dist/worker-hyperdrive'))
    expect(files).toContain('worker-hyperdrive.js')
    expect(files.filter((f) => f.endsWith('.js') && f !== 'worker-hyperdrive.js').every((f) => f.startsWith('mailconf.'))).toBe(true)
  })
})

describe('the uploaded modules, served as they are', () => {
  let harness: TestHarness
  let url: URL
  beforeAll(async () => {
    harness = createTestHarness({
      root: ROOT,
      workers: [{ configPath: './wrangler.toml', prebuiltWorkerDir: join(folder, 'out'), secrets: { ADMIN_TOKEN }, vars: { LOG_LEVEL: 'warn' } }],
    })
    url = (await harness.listen()).url
    await harness.getWorker().applyD1Migrations('DB')
  }, 60_000)
  afterAll(() => harness?.close())

  it('answers the admin API (its module loaded on the first admin request), then config requests', async () => {
    const unauthorised = await fetch(new URL('/admin/providers', url))
    expect(unauthorised.status).toBe(401)
    await unauthorised.body?.cancel()
    const seeded = await fetch(new URL('/initdb/', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(sample),
    })
    expect(seeded.status).toBe(200)
    await seeded.body?.cancel()
    const providers = await fetch(new URL('/admin/providers', url), { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    expect(await providers.json()).toEqual([expect.objectContaining({ name: 'Example Inc.' })])
    const config = await fetch(new URL('/mail/config-v1.1.xml?emailaddress=alice%40example.com', url))
    expect(config.status).toBe(200)
    expect(await config.text()).toContain('<incomingServer type="imap">')
    const profile = await fetch(new URL('/mobileconfig?emailaddress=alice%40example.com', url))
    expect(profile.status).toBe(200)
    expect(await profile.text()).toContain('<key>EmailAddress</key>')
    // The Autodiscover body parser and the QR code are modules of their own, loaded here.
    const pox = await fetch(new URL('/autodiscover/autodiscover.xml', url), {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
    })
    expect(pox.status).toBe(200)
    expect(await pox.text()).toContain('<Type>IMAP</Type>')
    const landing = await fetch(new URL('/?emailaddress=alice%40example.com', url))
    expect(landing.status).toBe(200)
    expect(await landing.text()).toMatch(/<div class="qr-code"[^>]*><svg /)
  }, 30_000)
})

describe('the Hyperdrive build, served as it is', () => {
  let harness: TestHarness
  let url: URL
  beforeAll(async () => {
    // wrangler.toml with the Hyperdrive entry as `main`, as README "Using PostgreSQL or MySQL" says
    // to set it; built by the dry run above. D1 stays bound (it is used first): what is checked here
    // is that the entry and its drivers (mysql2 is CommonJS and requires Node built-ins) load in workerd.
    const config = (await readFile(join(ROOT, 'wrangler.toml'), 'utf8'))
      .replace(/^main = .*$/m, `main = ${JSON.stringify(join(ROOT, 'dist/worker-hyperdrive/worker-hyperdrive.js'))}`)
      .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(join(ROOT, 'schema/migrations'))}`)
      .replace(/^\[build\][\s\S]*?(?=^\[)/m, '')
    const configPath = join(folder, 'wrangler-hyperdrive.toml')
    await writeFile(configPath, config)
    harness = createTestHarness({ root: ROOT, workers: [{ configPath, vars: { LOG_LEVEL: 'warn' } }] })
    url = (await harness.listen()).url
    await harness.getWorker().applyD1Migrations('DB')
  }, 60_000)
  afterAll(() => harness?.close())

  it('starts and answers', async () => {
    const health = await fetch(new URL('/healthz', url))
    expect(await health.text()).toBe('ok')
    expect(health.status).toBe(200)
    const unknown = await fetch(new URL('/mail/config-v1.1.xml?emailaddress=a%40nowhere.example', url))
    expect(unknown.status).toBe(404)
    await unknown.body?.cancel()
  }, 30_000)
})
