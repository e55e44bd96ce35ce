#!/usr/bin/env node
// `npm run cf-typegen`: `wrangler types --include-runtime=false`, with the main module's type taken
// from its TypeScript source rather than from the build.
//
// wrangler.toml's `main` is the built Worker (dist/worker/worker.js, scripts/build-worker.mjs), so
// wrangler writes `mainModule: typeof import("./dist/worker/worker")`: a file that exists only after
// a build, and is JavaScript without types. The source it is built from is what the type means.
// wrangler has no option for this, so the import is rewritten here, and the header's hash (sha256 of
// everything below the header, as wrangler computes it) with it: the file is then byte for byte
// what wrangler wrote when `main` was the source. (`wrangler types --check` compares against the
// built path, so it would call this file stale; nothing here runs it.)
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENTRIES } from './build-worker.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const file = join(root, 'worker-configuration.d.ts')

execFileSync(join(root, 'node_modules/.bin/wrangler'), ['types', '--include-runtime=false'], { cwd: root, stdio: 'inherit' })

const builtToSource = new Map(ENTRIES.map(({ entry, outdir }) => [`./${outdir}/${basename(entry, extname(entry))}`, `./${entry.slice(0, -extname(entry).length)}`]))
const [first, header, ...rest] = readFileSync(file, 'utf8').split('\n')
const body = rest.join('\n').replace(/(mainModule: typeof import\(")([^"]+)("\))/g, (whole, before, path, after) => (builtToSource.has(path) ? `${before}${builtToSource.get(path)}${after}` : whole))
const hash = createHash('sha256').update(body).digest('hex').slice(0, 32)
if (!/\(hash: [0-9a-f]+\)$/.test(header)) throw new Error(`unexpected header in ${file}: ${header}`)
writeFileSync(file, [first, header.replace(/\(hash: [0-9a-f]+\)$/, `(hash: ${hash})`), body].join('\n'))
