#!/usr/bin/env node
// `npm run size`: build the deployable bundle exactly as `wrangler deploy` would (a dry run with no
// build flag of its own: minification and everything else come from wrangler.toml, as on deploy),
// print its raw and gzip size, and the packages that dominate it (from esbuild's metafile).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

// Only reported, so a reader sees which build the figures describe; wrangler itself reads the file.
const minify = /^minify\s*=\s*true\s*(#.*)?$/m.test(readFileSync('wrangler.toml', 'utf8'))

const outdir = mkdtempSync(join(tmpdir(), 'mailconf-size-'))
try {
  execFileSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir, '--metafile'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  const bundle = readdirSync(outdir).find((f) => f.endsWith('.js'))
  if (!bundle) throw new Error('wrangler produced no .js bundle')
  const code = readFileSync(join(outdir, bundle))
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
  console.log(`bundle ${bundle} (as wrangler deploy builds it; wrangler.toml minify = ${minify}): ${kib(code.length)} raw, ${kib(gzipSync(code).length)} gzip`)

  const meta = JSON.parse(readFileSync(join(outdir, 'bundle-meta.json'), 'utf8'))
  const byPackage = new Map()
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)
      const key = match ? match[1] : input.startsWith('src/') || input.startsWith('schema/') || input.startsWith('seed/') ? '(mailconf)' : '(other)'
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput)
    }
  }
  console.log(`largest contributors (${minify ? 'minified ' : ''}bytes in the bundle):`)
  for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`  ${kib(bytes).padStart(10)}  ${name}`)
  }
} finally {
  rmSync(outdir, { recursive: true, force: true })
}
