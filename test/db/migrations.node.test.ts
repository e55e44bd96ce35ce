import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

// wrangler applies what drizzle-kit generates only if both point at the same folder.
describe('migrations wiring', () => {
  it('has wrangler.toml and drizzle.config.ts agree on the migrations folder', () => {
    expect(read('wrangler.toml')).toMatch(/^migrations_dir = "schema\/migrations"$/m)
    expect(read('drizzle.config.ts')).toContain("out: './schema/migrations'")
  })

  it('lists every SQL migration in the drizzle journal', () => {
    const files = readdirSync(new URL('schema/migrations/', root)).filter((f) => f.endsWith('.sql'))
    const journal = JSON.parse(read('schema/migrations/meta/_journal.json')) as { entries: { tag: string }[] }
    expect(journal.entries.map((e) => `${e.tag}.sql`)).toEqual(files.sort())
  })
})
