#!/usr/bin/env node
// The Worker's build, run by wrangler itself (wrangler.toml `[build] command`, before `wrangler
// deploy`, `wrangler dev`, `npm start` and the tests that start the Worker through wrangler), or by
// hand: `node scripts/build-worker.mjs`.
//
// Why not wrangler's own bundling: it runs esbuild without code splitting, so the parts that the
// app imports with `import()` (the admin API with zod, CMS signing with its ASN.1 packages, the LDAP client)
// stay in the one `worker.js` that every isolate compiles, and their `node:` imports are hoisted to
// its top, so workerd loads `node:net`, `node:tls`, `node:crypto`, … at every start-up. Here esbuild
// splits: each `import()` target becomes a module of its own, and code shared with the entry goes
// to chunks the entry imports. wrangler uploads them as they are (`no_bundle`, `find_additional_modules`
// and the ESModule rule in wrangler.toml), and workerd evaluates a module only when it is imported
// (bench/README.md "Start-up", docs/ARCHITECTURE.md "Start-up"). The other route, wrangler's
// partial bundling (`find_additional_modules` with its bundler on), keeps a dynamic import external
// only when it names a file that is already JavaScript beside the entry: the lazy parts are
// TypeScript with packages to bundle, so they would need a build of their own anyway, and the
// shared code between the entry and them would be bundled twice. One esbuild build with splitting
// is simpler, and wrangler then only uploads.
//
// What wrangler's bundling did and this keeps: the `node:util` alias (a silent debuglog, see
// src/directory/node-util-shim.js), Node built-ins and `cloudflare:` modules left to workerd
// (nodejs_compat) and CommonJS `require` calls of them turned into imports, its conditions and
// target, NODE_ENV, and minified output with names kept where code reads them; plus a source map
// beside each module, for reading stack traces locally (not uploaded: wrangler.toml does not set
// upload_source_maps, and did not before).
//
// Each entry gets its own folder, because wrangler uploads every module it finds beside `main`:
//   dist/worker/worker.js                        src/worker.ts (the default `main`)
//   dist/worker-hyperdrive/worker-hyperdrive.js  src/worker-hyperdrive.ts (README "Using PostgreSQL or MySQL")
// and esbuild's metafile next to them (dist/worker.meta.json, …), which `npm run size` reads.
//
// Several builds may run at once (test files start wrangler side by side, and wrangler dev rebuilds
// on changes): each file is written beside its place and renamed, so a reader sees the old or the
// new file, never half of one; the same sources give the same file names and bytes (content
// hashes); files left from a build that started earlier are removed once the new ones are in
// place (a concurrent build's newer files are left to the next build).
import { builtinModules } from 'node:module'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Entry → its output folder under dist/. */
export const ENTRIES = [
  { entry: 'src/worker.ts', outdir: 'dist/worker' },
  { entry: 'src/worker-hyperdrive.ts', outdir: 'dist/worker-hyperdrive' },
]

/**
 * The prefix of every module besides the entry. wrangler.toml's ESModule rule matches it
 * (`mailconf.*.js`); the vitest worker project inherits that rule and applies it to each module it
 * loads by path suffix, so it must be a name nothing else in the project or node_modules has.
 */
export const CHUNK_PREFIX = 'mailconf.'

// Same as wrangler.toml's former [alias] (wrangler does not apply aliases to a Worker it does not
// bundle): every `node:util` but the shim's own import of workerd's `util`.
const ALIASES = { 'node:util': resolve(root, 'src/directory/node-util-shim.js') }

const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')))

const REQUIRED_BUILTIN = 'required-builtin'

/** workerd provides these (nodejs_compat); bundling them would fail or duplicate the runtime's. */
const runtimeModules = {
  name: 'runtime-modules',
  setup(build) {
    // A CommonJS package's `require('buffer')` (mysql2, in the Hyperdrive entry) would become esbuild's
    // `__require`, which throws in an ES module; as wrangler's bundling did, it becomes an import of
    // the built-in whose default export the require returns.
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, ({ path, kind }) =>
      kind === 'require-call' && builtins.has(path.replace(/^node:/, '')) ? { path, namespace: REQUIRED_BUILTIN } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: REQUIRED_BUILTIN }, ({ path }) => ({
      contents: `import builtin from ${JSON.stringify(path)}; module.exports = builtin`,
      loader: 'js',
      resolveDir: root,
    }))
    build.onResolve({ filter: /^node:util$/ }, () => ({ path: ALIASES['node:util'] }))
    build.onResolve({ filter: /^(node|cloudflare|workerd):/ }, ({ path }) => ({ path, external: true }))
    // Bare names (`util` in the shim, packages written for Node): workerd resolves them under
    // nodejs_compat, as wrangler's build left them.
    build.onResolve({ filter: /^[a-z_]+(\/[a-z_]+)?$/ }, ({ path }) => (builtins.has(path) ? { path, external: true } : undefined))
  },
}

/**
 * Packages that read the names of their own functions and classes at run time, all of them loaded
 * on first use only (test/deploy/split-build.node.test.ts keeps them out of start-up):
 * @peculiar/asn1-schema decides how to parse a repeated field by `constructor.name === "Sequence"`
 * (asn1js's class) and names schema classes in its errors, ldapts names the message type in its
 * timeout and socket errors, zod names an object's class in its type errors.
 */
const NAMED = /[\\/]node_modules[\\/](asn1js|@peculiar[\\/][^\\/]+|ldapts|zod)[\\/].*\.[cm]?js$/

/**
 * esbuild's `keepNames` is one switch for the whole build, and costs every isolate a
 * `defineProperty` for each function and class of the start-up modules (about 4 ms per start-up in
 * the profiles, bench/README.md "Start-up"), though nothing there reads a name. So the build runs
 * without it, and the files of the packages above keep their names file by file, as wrangler's
 * build kept them: esbuild's own transform inserts the same `__name(…)` calls into each file before
 * it is bundled.
 */
const keepNamesWhereRead = {
  name: 'keep-names-where-read',
  setup(build) {
    build.onLoad({ filter: NAMED }, async ({ path }) => {
      const source = await readFile(path, 'utf8')
      const { code } = await transform(source, { keepNames: true, loader: 'js', sourcefile: path, sourcemap: 'inline', sourcesContent: false, target: 'es2024' })
      return { contents: code, loader: 'js' }
    })
  },
}

/** The esbuild options of one entry; exported for tests and benchmarks that build elsewhere. */
export function buildOptions(entry, outdir) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    entryNames: '[name]',
    chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
    // As wrangler builds: workerd's export conditions, the syntax its V8 runs natively.
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2024',
    supported: { 'import-source': true, using: true },
    define: { 'process.env.NODE_ENV': '"production"', 'global.process.env.NODE_ENV': '"production"', 'globalThis.process.env.NODE_ENV': '"production"' },
    minify: true,
    // Off: see keepNamesWhereRead.
    keepNames: false,
    // Paths and lines only: enough for wrangler and the profiles to name the source, without
    // shipping every source file again in the map.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [runtimeModules, keepNamesWhereRead],
  }
}

/** Builds one entry into its folder (atomically per file); returns esbuild's metafile. */
export async function buildEntry({ entry, outdir }) {
  const out = resolve(root, outdir)
  const started = Date.now()
  const result = await build(buildOptions(entry, out))
  await mkdir(out, { recursive: true })
  const written = new Set()
  for (const file of result.outputFiles) {
    const temporary = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`)
    await writeFile(temporary, file.contents)
    await rename(temporary, file.path)
    written.add(relative(out, file.path))
  }
  // Only files from builds that started before this one: a build running beside it (other sources,
  // other chunk names) may have just written its own, which its worker.js imports.
  for (const name of await readdir(out)) {
    if (written.has(name) || name.startsWith('.')) continue
    const path = join(out, name)
    const modified = await stat(path).then((s) => s.mtimeMs, () => Infinity)
    if (modified < started) await rm(path, { recursive: true, force: true })
  }
  const metafile = `${out}.meta.json`
  const temporary = `${metafile}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(result.metafile))
  await rename(temporary, metafile)
  return result.metafile
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await Promise.all(ENTRIES.map(buildEntry))
}
