#!/usr/bin/env node
// `npx mailconf …` / `npm run admin -- …`: runs the TypeScript CLI (cli/main.ts) through tsx, so
// there is no build step; the Worker bundle never sees this code.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../cli/main.ts')
const readStdin = async () => {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}
process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  readStdin,
})
