#!/usr/bin/env node
// `mailconf …` (`npx mailconf`, `npm run admin -- …`): the admin CLI of cli/. It runs the bundle that
// `npm run build:node` (through `build:cli`) writes to dist/mailconf.mjs: plain JavaScript with no
// dependency, so it works in the production install after `npm prune --omit=dev`. Where that bundle
// is absent, or older than the sources in cli/ and src/ (a development checkout), it runs the TypeScript
// sources through tsx instead. The Worker bundle never sees this code.
import { existsSync, readdirSync, statSync } from 'node:fs'

const bundle = new URL('../dist/mailconf.mjs', import.meta.url)
const sources = new URL('../cli/', import.meta.url)
// `mailconf doctor` bundles code from src/ too (the checks, the client rules, the DNS listing).
const sourceDirs = [sources, new URL('../src/', import.meta.url)]

/** The newest modification time of the .ts files under cli/ and src/, 0 when there are none (an installed copy). */
function newestSource() {
  let newest = 0
  for (const dir of sourceDirs) {
    try {
      for (const entry of readdirSync(dir, { recursive: true })) {
        if (String(entry).endsWith('.ts')) newest = Math.max(newest, statSync(new URL(String(entry), dir)).mtimeMs)
      }
    } catch {
      // no such directory: an installed copy
    }
  }
  return newest
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
