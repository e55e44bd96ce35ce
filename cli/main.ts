/**
 * `mailconf <command>`: the admin API from a shell. Talks HTTP only (to `--url`, default
 * http://127.0.0.1:8787, with the token from MAILCONF_ADMIN_TOKEN), so it works the same against
 * `npm start`, `npm run serve` and a deployed Worker; `doctor` also asks DNS and connects where
 * clients connect. Never part of the Worker bundle; shipped as its own bundle (dist/mailconf.mjs,
 * `npm run build:cli`) for installs without dev dependencies.
 *
 * Help (`mailconf`, `mailconf help [command]`, `--help` anywhere) needs no token. The commands
 * themselves are in cli/commands.ts and cli/doctor.ts.
 *
 * Exit codes: 0 done; 1 the service refused or failed (its message is printed), or `doctor` found
 * something missing, drifted or in error; 2 usage error (unknown command, missing argument or token,
 * unreadable file, purge without --yes); 3 the service cannot be reached.
 */
import { parseArgs } from 'node:util'
import { createClient, Unreachable, type AdminClient } from './client'
import { COMMANDS as ADMIN_COMMANDS, Failed, Refused, UsageError, type Action, type Command, type Io, type OptionSpec, type Values } from './commands'
import { doctor } from './doctor'

export type { Io } from './commands'

export const EXIT = { ok: 0, refused: 1, failed: 1, usage: 2, unreachable: 3 } as const
const DEFAULT_URL = 'http://127.0.0.1:8787'

const COMMANDS: readonly Command[] = [...ADMIN_COMMANDS, doctor]

const GLOBAL_OPTIONS = { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const satisfies Record<string, OptionSpec>

const actionsOf = (command: Command): [string, Action][] => (command.actions ? Object.entries(command.actions) : command.action ? [['', command.action]] : [])

/** Every option of every command: to find the command words before the strict parse. */
const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.flatMap((c) => actionsOf(c).map(([, a]) => a.options ?? {})))

const OVERVIEW = `usage: mailconf [--url URL] <command> [arguments] [options]
       mailconf help [command]   (or: mailconf <command> --help)

commands:
${COMMANDS.map((c) => `  ${c.summary}`).join('\n')}

List commands print one tab-separated line per item; --json prints the service's JSON as is.
FILE may be - for standard input. The token comes from MAILCONF_ADMIN_TOKEN; --url defaults to
$MAILCONF_URL, else ${DEFAULT_URL}.
Exit codes: 0 done, 1 refused by the service (or doctor found a problem), 2 usage error,
3 service unreachable.`

function helpOf(command: Command): string {
  const lines = actionsOf(command).map(([name, action], i) => `${i === 0 ? 'usage:' : '      '} mailconf ${command.name}${name ? ` ${name}` : ''} ${action.usage}`.trimEnd())
  return `${lines.join('\n')}\n\n${command.details}`
}

const findCommand = (name: string) => COMMANDS.find((c) => c.name === name)

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command '${name}'; commands: help, ${COMMANDS.map((c) => c.name).join(', ')}`, 'overview')
}

/** The client, made on first use: help and usage errors need neither a token nor a valid URL. */
function lazyClient(values: Values, env: Io['env']): AdminClient {
  let client: AdminClient | null = null
  const made = () => {
    const token = env.MAILCONF_ADMIN_TOKEN
    if (!token) throw new UsageError("set MAILCONF_ADMIN_TOKEN to the service's ADMIN_TOKEN", null)
    const url = typeof values.url === 'string' ? values.url : (env.MAILCONF_URL ?? DEFAULT_URL)
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--url must be an http(s) URL, not '${url}'`, null)
    return createClient(url, token)
  }
  return {
    request(method, path, body) {
      client ??= made()
      return client.request(method, path, body)
    },
    publicRequest(request) {
      client ??= made()
      return client.publicRequest(request)
    },
  }
}

async function dispatch(argv: string[], io: Io): Promise<void> {
  // A first, lenient pass only finds the command words (options that take a value consume it).
  const loose = parseArgs({ args: argv, options: ALL_OPTIONS, strict: false, allowPositionals: true })
  const [name, ...rest] = loose.positionals
  if (name === undefined) {
    io.out(OVERVIEW)
    return
  }
  if (name === 'help') {
    const topic = rest[0]
    const command = topic === undefined ? undefined : findCommand(topic)
    if (topic !== undefined && !command) throw unknownCommand(topic)
    io.out(command ? helpOf(command) : OVERVIEW)
    return
  }
  const command = findCommand(name)
  if (!command) throw unknownCommand(name)

  let action: Action
  let skip = 1
  if (command.actions) {
    const names = Object.keys(command.actions)
    const actionName = rest[0]
    if (actionName === undefined) {
      if (loose.values.help) return io.out(helpOf(command))
      throw new UsageError(`${command.name} needs ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`, command)
    }
    const found = command.actions[actionName]
    if (!found) throw new UsageError(`unknown ${command.name} action '${actionName}' (${names.join(', ')})`, command)
    action = found
    skip = 2
  } else if (command.action) {
    action = command.action
  } else {
    throw new Error(`command ${command.name} has neither actions nor an action`)
  }

  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...action.options }, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command)
  }
  if (parsed.values.help) return io.out(helpOf(command))
  const values: Values = parsed.values
  try {
    await action.run({ io, options: values, client: lazyClient(values, io.env) }, parsed.positionals.slice(skip))
  } catch (error) {
    if (error instanceof UsageError && error.help === 'this command') throw new UsageError(error.message, command)
    throw error
  }
}

/** Runs one command line; returns the exit code. All output goes through `io`. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    await dispatch(argv, io)
    return EXIT.ok
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.help === 'overview' ? OVERVIEW : error.help && error.help !== 'this command' ? helpOf(error.help) : null
      io.err(`mailconf: ${error.message}${help ? `\n\n${help}` : ''}`)
      return EXIT.usage
    }
    if (error instanceof Refused) {
      io.err(`mailconf: the service refused: ${error.message}`)
      return EXIT.refused
    }
    if (error instanceof Failed) {
      io.err(`mailconf: ${error.message}`)
      return EXIT.failed
    }
    if (error instanceof Unreachable) {
      io.err(`mailconf: ${error.message}`)
      return EXIT.unreachable
    }
    throw error
  }
}
