/**
 * `mailconf <command>`: the admin API from a shell. Talks HTTP only (to `--url`, default
 * http://127.0.0.1:8787, with the token from MAILCONF_ADMIN_TOKEN), so it works the same against
 * `npm start` and a deployed Worker. Never part of the Worker bundle.
 *
 * Exit codes: 0 done; 1 the service refused or failed (its message is printed); 2 usage error
 * (unknown command, missing argument or token, unreadable file); 3 the service cannot be reached.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { createClient, describeFailure, Unreachable, type AdminClient, type AdminReply } from './client'

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const
const DEFAULT_URL = 'http://127.0.0.1:8787'

const USAGE = `usage: mailconf [--url URL] <command>

commands:
  seed FILE                     load an automx2 seed file into an empty database (POST /initdb/)
  export [-o FILE] [--include-secrets]
                                write the whole database as a seed document (stdout by default)
  import FILE [--replace]       load a seed document; --replace swaps out everything, atomically
  dns DOMAIN [--json]           the DNS records to publish for DOMAIN
  domains list                  every domain with its provider
  domains add DOMAIN [--provider ID] [--ldapserver ID]
                                add a domain (--provider may be left out when there is one provider)
  domains rm DOMAIN             delete a domain and its server links

FILE may be - for standard input. The token comes from MAILCONF_ADMIN_TOKEN; --url defaults to
$MAILCONF_URL, else ${DEFAULT_URL}.`

export interface Io {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly readStdin: () => Promise<string>
}

class UsageError extends Error {}
class Refused extends Error {}

function expectOk(reply: AdminReply): AdminReply {
  if (reply.status >= 200 && reply.status < 300) return reply
  throw new Refused(describeFailure(reply))
}

const readJson = <T>(reply: AdminReply): T => JSON.parse(expectOk(reply).text) as T

async function readInput(file: string | undefined, io: Io): Promise<string> {
  if (file === undefined) throw new UsageError('missing FILE')
  if (file === '-') return io.readStdin()
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function oneArgument(args: string[], what: string): string {
  const [value, ...extra] = args
  if (value === undefined) throw new UsageError(`missing ${what}`)
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`)
  return value
}

const counts = (written: Record<string, number>) =>
  Object.entries(written)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ')

interface Options {
  readonly 'include-secrets'?: boolean
  readonly replace?: boolean
  readonly json?: boolean
  readonly output?: string
  readonly provider?: string
  readonly ldapserver?: string
}

type DomainView = { id: number; name: string; provider_id: number; ldapserver_id: number | null }
type ProviderView = { id: number; name: string }

function positiveId(value: string, option: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${option} must be an id (a positive whole number), not '${value}'`)
  return Number(value)
}

async function providerFor(client: AdminClient, option: string | undefined): Promise<number> {
  if (option !== undefined) return positiveId(option, 'provider')
  const providers = readJson<ProviderView[]>(await client.request('GET', 'admin/providers'))
  const [only, ...more] = providers
  if (only && more.length === 0) return only.id
  if (!only) throw new UsageError('there is no provider yet: seed one first (mailconf seed FILE)')
  throw new UsageError(`there are ${providers.length} providers; choose one with --provider ID (${providers.map((p) => `${p.id} ${p.name}`).join(', ')})`)
}

async function domains(client: AdminClient, args: string[], options: Options, io: Io): Promise<void> {
  const [action, ...rest] = args
  switch (action) {
    case 'list': {
      oneArgument(['list', ...rest], 'action')
      const [list, providers] = await Promise.all([
        client.request('GET', 'admin/domains').then((r) => readJson<DomainView[]>(r)),
        client.request('GET', 'admin/providers').then((r) => readJson<ProviderView[]>(r)),
      ])
      const names = new Map(providers.map((p) => [p.id, p.name]))
      for (const d of list) io.out(`${d.name}\t${names.get(d.provider_id) ?? d.provider_id}`)
      return
    }
    case 'add': {
      const name = oneArgument(rest, 'DOMAIN')
      const body = {
        name,
        provider_id: await providerFor(client, options.provider),
        ...(options.ldapserver === undefined ? {} : { ldapserver_id: positiveId(options.ldapserver, 'ldapserver') }),
      }
      const created = readJson<DomainView>(await client.request('POST', 'admin/domains', JSON.stringify(body)))
      io.out(`added ${created.name} (id ${created.id}, provider ${created.provider_id})`)
      return
    }
    case 'rm': {
      const name = oneArgument(rest, 'DOMAIN')
      const deleted = readJson<{ deleted: DomainView }>(await client.request('DELETE', `admin/domains/${encodeURIComponent(name)}`))
      io.out(`deleted ${deleted.deleted.name}`)
      return
    }
    default:
      throw new UsageError(action === undefined ? 'domains needs list, add or rm' : `unknown domains action '${action}' (list, add, rm)`)
  }
}

async function run(command: string | undefined, args: string[], options: Options, client: AdminClient, io: Io): Promise<void> {
  switch (command) {
    case 'seed': {
      const reply = readJson<{ written: Record<string, number> }>(await client.request('POST', 'initdb/', await readInput(oneArgument(args, 'FILE'), io)))
      io.out(`loaded ${counts(reply.written)}`)
      return
    }
    case 'import': {
      const body = await readInput(oneArgument(args, 'FILE'), io)
      const reply = readJson<{ written: Record<string, number> }>(await client.request('POST', `admin/import${options.replace ? '?replace=true' : ''}`, body))
      io.out(`${options.replace ? 'replaced everything with' : 'imported'} ${counts(reply.written)}`)
      return
    }
    case 'export': {
      if (args.length > 0) throw new UsageError(`unexpected argument(s): ${args.join(' ')}`)
      const document = readJson<unknown>(await client.request('GET', `admin/export${options['include-secrets'] ? '?include_secrets=true' : ''}`))
      const text = `${JSON.stringify(document, null, 2)}\n`
      if (options.output === undefined) io.out(text.trimEnd())
      else await writeFile(options.output, text, { mode: options['include-secrets'] ? 0o600 : 0o644 })
      return
    }
    case 'dns': {
      const domain = oneArgument(args, 'DOMAIN')
      const reply = expectOk(await client.request('GET', `admin/dns/${encodeURIComponent(domain)}${options.json ? '?format=json' : ''}`))
      io.out(reply.text.trimEnd())
      return
    }
    case 'domains':
      return domains(client, args, options, io)
    default:
      throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`)
  }
}

/** Runs one command line; returns the exit code. All output goes through `io`. */
export async function main(argv: string[], io: Io): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'include-secrets': { type: 'boolean' },
        replace: { type: 'boolean' },
        json: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        provider: { type: 'string' },
        ldapserver: { type: 'string' },
      },
    })
  } catch (error) {
    io.err(`mailconf: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return EXIT.usage
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(USAGE)
    return EXIT.ok
  }
  const token = io.env.MAILCONF_ADMIN_TOKEN
  const [command, ...args] = positionals
  try {
    if (command === undefined) throw new UsageError('missing command')
    if (!token) throw new UsageError('set MAILCONF_ADMIN_TOKEN to the service\'s ADMIN_TOKEN')
    const url = values.url ?? io.env.MAILCONF_URL ?? DEFAULT_URL
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--url must be an http(s) URL, not '${url}'`)
    await run(command, args, values, createClient(url, token), io)
    return EXIT.ok
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mailconf: ${error.message}\n\n${USAGE}`)
      return EXIT.usage
    }
    if (error instanceof Refused) {
      io.err(`mailconf: the service refused: ${error.message}`)
      return EXIT.refused
    }
    if (error instanceof Unreachable) {
      io.err(`mailconf: ${error.message}`)
      return EXIT.unreachable
    }
    throw error
  }
}
