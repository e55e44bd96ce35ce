// `npm run build:cli` (also run by `npm run build:node`): bundles the CLI (cli/main-entry.ts) into
// dist/mailconf.mjs, one file of plain JavaScript that needs no package at run time (the CLI only
// speaks HTTP), so `mailconf` works after `npm prune --omit=dev`. `--outfile=PATH` writes elsewhere.
//
// The same as `esbuild cli/main-entry.ts --bundle --platform=node --target=node20 --format=esm
// --outfile=dist/mailconf.mjs`, except that the file is replaced atomically (written next to it,
// then renamed): bin/mailconf.mjs may be loading the bundle while a build runs.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({ options: { outfile: { type: 'string' } } })
const outfile = resolve(values.outfile ?? resolve(root, 'dist/mailconf.mjs'))

const result = await build({
  entryPoints: [resolve(root, 'cli/main-entry.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile,
  write: false,
  logLevel: 'warning',
})
for (const file of result.outputFiles) {
  await mkdir(dirname(file.path), { recursive: true })
  const temporary = `${file.path}.${process.pid}.tmp`
  await writeFile(temporary, file.contents, { mode: 0o755 })
  await rename(temporary, file.path)
}
