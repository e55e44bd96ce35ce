// What `wrangler deploy` uploads, read from a dry run: shared by `npm run size` and
// `npm run bench:startup`.
//
// The Worker is several modules (scripts/build-worker.mjs splits it): the main module, the chunks
// it imports statically (evaluated with it when an isolate starts), and the modules only reached
// through `import()` (evaluated on first use). The dry run's `--outfile` is the upload itself
// (multipart form data: metadata, modules, source maps); esbuild's metafile, which the build writes
// beside the module folder, says which module imports which and what packages each holds.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

export const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
export const wrangler = 'node_modules/.bin/wrangler'

export const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
export const gzipSize = (bytes) => gzipSync(bytes).length

/** Runs `wrangler deploy --dry-run` (building as wrangler.toml says) and writes the upload to `outfile`. */
export function dryRun(outfile, extraArgs = []) {
  execFileSync(wrangler, ['deploy', '--dry-run', '--outfile', outfile, ...extraArgs], { stdio: ['ignore', 'ignore', 'inherit'], env })
}

/** wrangler.toml's `main` and the folder of its modules (where the build writes them). */
export function mainOf(config = 'wrangler.toml') {
  const main = /^main\s*=\s*"([^"]+)"/m.exec(readFileSync(config, 'utf8'))?.[1]
  if (!main) throw new Error(`${config} has no main`)
  return { main, moduleDir: dirname(main) }
}

/** The parts of an upload file: its metadata and its modules (source maps left out), by name. */
export async function readUpload(file) {
  const bytes = readFileSync(file)
  const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim()
  const form = await new Response(bytes, { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } }).formData()
  const metadata = JSON.parse(String(form.get('metadata')))
  const modules = new Map()
  for (const [name, value] of form) {
    if (name === 'metadata' || typeof value === 'string' || value.type === 'application/source-map') continue
    modules.set(name, { type: value.type, bytes: Buffer.from(await value.arrayBuffer()) })
  }
  if (!modules.has(metadata.main_module)) throw new Error(`the upload has no main module ${metadata.main_module}`)
  return { metadata, modules }
}

/** Package (or `(mailconf)`) of an esbuild input path. */
export function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)
  if (match) return match[1]
  return input.startsWith('src/') || input.startsWith('schema/') || input.startsWith('seed/') ? '(mailconf)' : '(other)'
}

/**
 * The upload's modules split into what start-up evaluates (the main module and, transitively, what
 * it imports statically) and what `import()` loads later, with esbuild's facts per module when the
 * build's metafile is there (`<module folder>.meta.json`).
 */
export function groupModules({ metadata, modules }, moduleDir) {
  const metaPath = `${moduleDir}.meta.json`
  if (!existsSync(metaPath)) throw new Error(`${metaPath} is missing: is wrangler.toml's main built by scripts/build-worker.mjs?`)
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'))
  /** Module name → its metafile output (the metafile's paths are relative to the project). */
  const outputs = new Map()
  for (const [path, output] of Object.entries(meta.outputs)) {
    if (!path.endsWith('.map')) outputs.set(relative(moduleDir, path).replaceAll('\\', '/'), output)
  }
  const staticImports = (name) =>
    (outputs.get(name)?.imports ?? []).filter((i) => i.kind === 'import-statement' && !i.external).map((i) => relative(moduleDir, i.path).replaceAll('\\', '/'))
  const startup = new Set()
  const visit = (name) => {
    if (startup.has(name)) return
    startup.add(name)
    for (const next of staticImports(name)) visit(next)
  }
  visit(metadata.main_module)
  const describe = (name) => {
    const output = outputs.get(name)
    const packages = new Map()
    for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) packages.set(packageOf(input), (packages.get(packageOf(input)) ?? 0) + bytesInOutput)
    const { bytes } = modules.get(name)
    return { name, entryPoint: output?.entryPoint ?? null, raw: bytes.length, gzip: gzipSize(bytes), bytes, packages }
  }
  const names = [...modules.keys()]
  return {
    startup: names.filter((n) => startup.has(n)).map(describe),
    lazy: names.filter((n) => !startup.has(n)).map(describe),
  }
}

/** Raw bytes, gzip of the modules together (as wrangler reports an upload), and packages of a group. */
export function summarise(group) {
  const packages = new Map()
  for (const module of group) for (const [name, bytes] of module.packages) packages.set(name, (packages.get(name) ?? 0) + bytes)
  return {
    raw: group.reduce((sum, m) => sum + m.raw, 0),
    gzip: gzipSize(Buffer.concat(group.map((m) => m.bytes))),
    packages: [...packages].sort((a, b) => b[1] - a[1]),
  }
}

