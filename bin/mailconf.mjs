#!/usr/bin/env node
// `mailconf …` (`npx mailconf`, `npm run admin -- …`): the admin CLI of cli/. It runs the bundle that
// `npm run build:node` (through `build:cli`) writes to dist/mailconf.mjs: plain JavaScript with no
// dependency, so it works in the production install after `npm prune --omit=dev`. Where that bundle
// is absent, or older than the sources in cli/ (a development checkout), it runs the TypeScript
// sources through tsx instead. The Worker bundle never sees this code.
import { existsSync, readdirSync, statSync } from 'node:fs'

const bundle = new URL('../dist/mailconf.mjs', import.meta.url)
const sources = new URL('../cli/', import.meta.url)

/** The newest modification time of cli/*.ts, 0 when there are no sources (an installed copy). */
function newestSource() {
  try {
    return readdirSync(sources)
      .filter((name) => name.endsWith('.ts'))
      .reduce((newest, name) => Math.max(newest, statSync(new URL(name, sources)).mtimeMs), 0)
  } catch {
    return 0
  }
}

async function loadTsx() {
  try {
    return await import('tsx/esm/api')
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return null
    throw error
  }
}

const haveBundle = existsSync(bundle)
if (haveBundle && statSync(bundle).mtimeMs >= newestSource()) {
  await import(bundle.href)
} else {
  const tsx = await loadTsx()
  if (tsx) {
    tsx.register()
    await import(new URL('main-entry.ts', sources).href)
  } else if (haveBundle) {
    process.stderr.write('mailconf: dist/mailconf.mjs is older than cli/; run `npm run build:node` to rebuild it\n')
    await import(bundle.href)
  } else {
    process.stderr.write(
      'mailconf: dist/mailconf.mjs is missing and tsx is not installed: run `npm run build:node` (or `npm run build:cli`) before `npm prune --omit=dev`, or `npm install` for a development checkout\n',
    )
    process.exitCode = 2
  }
}
