#!/usr/bin/env node
/**
 * The process around `main` (cli/main.ts): arguments, standard streams, exit code. This file is the
 * entry of the CLI bundle (`npm run build:cli` → dist/mailconf.mjs, plain JavaScript that needs no
 * package at run time) and what bin/mailconf.mjs runs through tsx in a checkout without the bundle.
 */
import { main } from './main'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  readStdin,
})
