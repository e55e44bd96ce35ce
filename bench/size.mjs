#!/usr/bin/env node
// `npm run size`: what `wrangler deploy` uploads, from a dry run with nothing of its own (the build
// is wrangler.toml's [build] command, scripts/build-worker.mjs, minified): each module raw and gzip,
// grouped into what an isolate evaluates at start-up (the main module and the chunks it imports
// statically) and what `import()` loads on first use, each group's total and largest packages (from
// esbuild's metafile), and the whole upload.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dryRun, groupModules, kib, mainOf, readUpload, summarise } from './upload.mjs'

const dir = mkdtempSync(join(tmpdir(), 'mailconf-size-'))
try {
  const { main, moduleDir } = mainOf()
  const file = join(dir, 'upload')
  dryRun(file)
  const upload = await readUpload(file)
  const { startup, lazy } = groupModules(upload, moduleDir)

  const row = (name, raw, gzip, note = '') => `  ${name.padEnd(34)} ${kib(raw).padStart(11)} ${kib(gzip).padStart(10)}${note ? `  ${note}` : ''}`
  const group = (title, modules) => {
    const total = summarise(modules)
    console.log(`\n${title}`)
    console.log(`  ${'module'.padEnd(34)} ${'raw'.padStart(11)} ${'gzip'.padStart(10)}`)
    for (const m of modules) console.log(row(m.name, m.raw, m.gzip, m.entryPoint && m.name !== upload.metadata.main_module ? `import('${m.entryPoint}')` : ''))
    console.log(row(`together (${modules.length} module${modules.length === 1 ? '' : 's'})`, total.raw, total.gzip))
    console.log(`  largest packages (minified bytes): ${total.packages.slice(0, 8).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`)
    return total
  }

  console.log(`upload of \`wrangler deploy\` (dry run; main = ${main}, built by scripts/build-worker.mjs, minified)`)
  const s = group('start-up: the main module and what it imports statically (evaluated when an isolate starts)', startup)
  const l = group('on first use: modules reached only through import() (uploaded, evaluated when first imported)', lazy)
  const all = summarise([...startup, ...lazy])
  console.log(`\nwhole upload: ${startup.length + lazy.length} modules, ${kib(all.raw)} raw, ${kib(all.gzip)} gzip (start-up ${kib(s.gzip)} + on first use ${kib(l.gzip)}, each group compressed alone)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
