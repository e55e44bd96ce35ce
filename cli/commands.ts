/**
 * The commands of `mailconf`: one entry per command, each with its usage, its options and what it
 * does over HTTP (cli/client.ts). cli/main.ts parses the command line and dispatches here.
 *
 * Output: list and get commands print one line per item, tab-separated (columns named in each
 * command's help; `-` for an empty list or no value); `--json` prints the service's JSON answer as
 * is. Changes print one line saying what was done.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { describeFailure, type AdminClient, type AdminReply } from './client'

export interface Io {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly readStdin: () => Promise<string>
}

/**
 * A usage error (exit 2). `help` says what follows the message: the usage of the command being run
 * (the default), of another command, the overview, or nothing.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help: Command | 'this command' | 'overview' | null = 'this command',
  ) {
    super(message)
  }
}

/** The service answered, but not with success (exit 1); the message is the service's. */
export class Refused extends Error {}

/** The command ran and found something wrong (exit 1; `mailconf doctor`); the message sums it up. */
export class Failed extends Error {}

export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly short?: string
}
export type Values = Readonly<Record<string, string | boolean | undefined>>

export interface Context {
  readonly client: AdminClient
  readonly io: Io
  readonly options: Values
}

export interface Action {
  /** Arguments and options after the command (and action) name, for the usage lines. */
  readonly usage: string
  readonly options?: Readonly<Record<string, OptionSpec>>
  run(ctx: Context, args: string[]): Promise<void>
}

export interface Command {
  readonly name: string
  /** One line for the overview (`mailconf help`). */
  readonly summary: string
  /** What follows the usage lines in `mailconf help <command>`. */
  readonly details: string
  /** A command family (`servers list`, `servers add`, …) or a single command (`seed`). */
  readonly actions?: Readonly<Record<string, Action>>
  readonly action?: Action
}

// ---------------------------------------------------------------------------------------------
// Helpers

type Hint = (reply: AdminReply, message: string) => string | undefined

function expectOk(reply: AdminReply, hint?: Hint): AdminReply {
  if (reply.status >= 200 && reply.status < 300) return reply
  const message = describeFailure(reply)
  const extra = hint?.(reply, message)
  throw new Refused(extra ? `${message}\n${extra}` : message)
}

export async function call(ctx: Context, method: string, path: string, body?: unknown, hint?: Hint): Promise<AdminReply> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  return expectOk(await ctx.client.request(method, path, text), hint)
}

export const parse = <T>(reply: AdminReply): T => JSON.parse(reply.text) as T

/** Prints the API's answer as is with `--json`, else the lines made from it. */
function show<T>(ctx: Context, reply: AdminReply, lines: (value: T) => string | string[]): void {
  if (ctx.options.json) {
    ctx.io.out(reply.text.trimEnd())
    return
  }
  const made = lines(parse<T>(reply))
  for (const line of typeof made === 'string' ? [made] : made) ctx.io.out(line)
}

const seg = encodeURIComponent
const list = (names: readonly string[]) => (names.length === 0 ? '-' : names.join(','))
const orDash = (value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? '-' : String(value))
const row = (...columns: (string | number)[]) => columns.join('\t')

function expectArgs(args: string[], names: readonly string[]): string[] {
  const missing = names.slice(args.length)
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(' ')}`)
  if (args.length > names.length) throw new UsageError(`unexpected argument(s): ${args.slice(names.length).join(' ')}`)
  return args
}

export function oneArgument(args: string[], name: string): string {
  return expectArgs(args, [name])[0] as string
}

export function positiveId(value: string, what: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`${what} must be an id (a positive whole number), not '${value}'`)
  return Number(value)
}

function wholeNumber(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} must be a whole number, not '${value}'`)
  return Number(value)
}

const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined)

/** `--ssl` / `--no-ssl`, or neither (the service's default). */
function sslChoice(options: Values): boolean | undefined {
  if (options.ssl && options['no-ssl']) throw new UsageError('--ssl and --no-ssl exclude each other')
  return options.ssl ? true : options['no-ssl'] ? false : undefined
}

/** Leaves out what was not given, so the service applies its defaults. */
const defined = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined))

export async function readInput(file: string, io: Io): Promise<string> {
  if (file === '-') return io.readStdin()
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const counts = (written: Record<string, number>) =>
  Object.entries(written)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ')

export const JSON_OPTION = { json: { type: 'boolean' } } as const satisfies Record<string, OptionSpec>
const SSL_OPTIONS = { ssl: { type: 'boolean' }, 'no-ssl': { type: 'boolean' } } as const satisfies Record<string, OptionSpec>

// ---------------------------------------------------------------------------------------------
// Views (the API's JSON, as far as the lines use it)

type ProviderView = { id: number; name: string; short_name: string; oauth2: { issuer: string } | null; domains: string[] }
type DomainView = { id: number; name: string; provider_id: number; ldapserver_id: number | null }
type ServerView = { id: number; type: string; name: string; port: number; socket_type: string; authentication: string; user_name: string; prio: number; domains: string[] }
type DavServerView = { id: number; type: string; url: string; port: number; use_ssl: boolean; domain_required: boolean; user_name: string; domains: string[] }
type UrlServerView = { id: number; type: string; url: string; user_name: string; domains: string[] }
type SieveServerView = { id: number; name: string; port: number; socket_type: string; authentication: string; user_name: string; domains: string[] }
type LdapServerView = {
  id: number
  name: string
  port: number
  use_ssl: boolean
  search_base: string
  search_filter: string
  bind_user: string | null
  has_bind_password: boolean
  domains: string[]
}
type ActiveSyncView = { domain: string; url: string }

const ssl = (on: boolean) => (on ? 'ssl' : 'no-ssl')

// ---------------------------------------------------------------------------------------------
// Database: seed, import, export, purge

const seed: Command = {
  name: 'seed',
  summary: 'seed FILE                      load a seed file into an empty database (POST /initdb/)',
  details: `Loads an automx2 seed document (v1, v2 or the multi-provider form) into an empty database,
all or nothing. FILE may be - for standard input. A database that holds data is refused: empty it
with \`mailconf purge --yes\` first, or use \`mailconf import FILE --replace\` to replace everything in
one step.`,
  action: {
    usage: 'FILE',
    async run(ctx, args) {
      const body = await readInput(oneArgument(args, 'FILE'), ctx.io)
      const reply = await call(ctx, 'POST', 'initdb/', body, (r) =>
        r.status === 409 && /already holds|not empty/.test(r.text)
          ? 'mailconf purge --yes deletes everything first; mailconf import FILE --replace replaces it in one step'
          : undefined,
      )
      ctx.io.out(`loaded ${counts(parse<{ written: Record<string, number> }>(reply).written)}`)
    },
  },
}

const importCommand: Command = {
  name: 'import',
  summary: 'import FILE [--replace]        load a seed document; --replace swaps out everything, atomically',
  details: `Loads a seed document (such as an export) all or nothing. Without --replace the database
must be empty; with it, everything in it is replaced in the same atomic batch. FILE may be -.`,
  action: {
    usage: 'FILE [--replace]',
    options: { replace: { type: 'boolean' } },
    async run(ctx, args) {
      const body = await readInput(oneArgument(args, 'FILE'), ctx.io)
      const replace = Boolean(ctx.options.replace)
      const reply = await call(ctx, 'POST', `admin/import${replace ? '?replace=true' : ''}`, body, (r) =>
        r.status === 409 && !replace && /not empty/.test(r.text) ? 'add --replace to replace everything in it' : undefined,
      )
      ctx.io.out(`${replace ? 'replaced everything with' : 'imported'} ${counts(parse<{ written: Record<string, number> }>(reply).written)}`)
    },
  },
}

const exportCommand: Command = {
  name: 'export',
  summary: 'export [-o FILE] [--include-secrets]\n                                 write the whole database as a seed document (stdout by default)',
  details: `Writes the whole database as a seed document that \`mailconf import\` reads back row for row.
LDAP bind passwords are left out unless --include-secrets is given (the file is then written with
mode 0600).`,
  action: {
    usage: '[-o FILE] [--include-secrets]',
    options: { output: { type: 'string', short: 'o' }, 'include-secrets': { type: 'boolean' } },
    async run(ctx, args) {
      expectArgs(args, [])
      const secrets = Boolean(ctx.options['include-secrets'])
      const document = parse<unknown>(await call(ctx, 'GET', `admin/export${secrets ? '?include_secrets=true' : ''}`))
      const text = `${JSON.stringify(document, null, 2)}\n`
      const output = ctx.options.output
      if (typeof output !== 'string') ctx.io.out(text.trimEnd())
      else await writeFile(output, text, { mode: secrets ? 0o600 : 0o644 })
    },
  },
}

const purge: Command = {
  name: 'purge',
  summary: 'purge --yes                    delete everything: providers, domains, servers, directories',
  details: `Deletes every row of every table (DELETE /initdb/), for instance before \`mailconf seed\`.
There is no undo: \`mailconf export --include-secrets -o FILE\` first keeps a copy. Without --yes
nothing is deleted.`,
  action: {
    usage: '--yes',
    options: { yes: { type: 'boolean' } },
    async run(ctx, args) {
      expectArgs(args, [])
      if (!ctx.options.yes) {
        throw new UsageError('purge deletes every provider, domain, server and LDAP server, with no undo; run `mailconf purge --yes` to do it')
      }
      const reply = await call(ctx, 'DELETE', 'initdb/')
      const { deleted } = parse<{ deleted: { providers: number; domains: number } }>(reply)
      ctx.io.out(`deleted everything: ${deleted.providers} provider(s), ${deleted.domains} domain(s) and all servers`)
    },
  },
}

// ---------------------------------------------------------------------------------------------
// DNS

/** A name a CNAME may point at: not an address, not a URL. */
export function serviceHostOption(value: string | boolean | undefined): string | undefined {
  if (typeof value !== 'string') return undefined
  const host = value.trim().replace(/\.$/, '')
  if (!/^[^\s/:?#@[\]]+$/.test(host) || !host.includes('.')) throw new UsageError(`--service-host must be a host name such as autoconfig.example.com, not '${value}'`)
  if (/^\d+(\.\d+){3}$/.test(host)) throw new UsageError(`--service-host must be a host name, not the address ${host}: a CNAME cannot point at an address`)
  return host
}

const dns: Command = {
  name: 'dns',
  summary: 'dns DOMAIN [--json] [--service-host HOST]\n                                 the DNS records to publish for DOMAIN',
  details: `Prints the records to publish for DOMAIN in zone-file syntax (JSON with --json): SRV records
for its mail and DAV servers, the autoconfig/autodiscover/ua-auto-config names pointing at this
service, and the PACC TXT digest of the document served now (or a ';' line saying why PACC cannot
describe the domain). Their target is the service's SERVICE_HOSTNAME; --service-host HOST names it for this listing
instead (sent as ?service_host=HOST). Without either, the service refuses rather than guess a
target from the address the request reached it under.`,
  action: {
    usage: 'DOMAIN [--json] [--service-host HOST]',
    options: { ...JSON_OPTION, 'service-host': { type: 'string' } },
    async run(ctx, args) {
      const domain = oneArgument(args, 'DOMAIN')
      const query = new URLSearchParams()
      if (ctx.options.json) query.set('format', 'json')
      const serviceHost = serviceHostOption(ctx.options['service-host'])
      if (serviceHost !== undefined) query.set('service_host', serviceHost)
      const search = query.toString() === '' ? '' : `?${query}`
      const reply = await call(ctx, 'GET', `admin/dns/${seg(domain)}${search}`, undefined, (r, message) =>
        r.status === 409 && message.includes('SERVICE_HOSTNAME') && serviceHost === undefined
          ? 'set SERVICE_HOSTNAME on the service, or name the target here with --service-host HOST'
          : undefined,
      )
      ctx.io.out(reply.text.trimEnd())
    },
  },
}

// ---------------------------------------------------------------------------------------------
// Providers and domains

const providers: Command = {
  name: 'providers',
  summary: 'providers list | add NAME [options] | rm ID [--cascade]',
  details: `list prints: id, name, short name, OAuth2 issuer (or -), domains (comma-separated).
--short-name defaults to the first word of NAME. --logo-url, --support-url (https) and
--support-email brand the landing page. --documentation-url (https) and --documentation-descr
name the page on setting up mail (Autoconfig <documentation>, PACC help).
--oauth2-issuer ISSUER publishes the provider's OAuth2 server (Autoconfig <oAuth2>, PACC
oauth-public), with --oauth2-scope, --oauth2-auth-url, --oauth2-token-url, --oauth2-client-id;
--oauth2-only makes servers whose authentication is OAuth2 take no password.
rm refuses a provider that still has domains
unless --cascade is given, which deletes its domains (and their server links) too.
--json prints the service's answer as is.`,
  actions: {
    list: {
      usage: '[--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        expectArgs(args, [])
        show<ProviderView[]>(ctx, await call(ctx, 'GET', 'admin/providers'), (all) => all.map((p) => row(p.id, p.name, p.short_name, p.oauth2?.issuer ?? '-', list(p.domains))))
      },
    },
    add: {
      usage:
        'NAME [--short-name S] [--logo-url URL] [--support-url URL] [--support-email ADDRESS] [--documentation-url URL] [--documentation-descr TEXT] [--oauth2-issuer ISSUER [--oauth2-scope S] [--oauth2-auth-url URL] [--oauth2-token-url URL] [--oauth2-client-id ID] [--oauth2-only]] [--json]',
      options: {
        ...JSON_OPTION,
        'short-name': { type: 'string' },
        'logo-url': { type: 'string' },
        'support-url': { type: 'string' },
        'support-email': { type: 'string' },
        'documentation-url': { type: 'string' },
        'documentation-descr': { type: 'string' },
        'oauth2-issuer': { type: 'string' },
        'oauth2-scope': { type: 'string' },
        'oauth2-auth-url': { type: 'string' },
        'oauth2-token-url': { type: 'string' },
        'oauth2-client-id': { type: 'string' },
        'oauth2-only': { type: 'boolean' },
      },
      async run(ctx, args) {
        const name = oneArgument(args, 'NAME')
        const { options } = ctx
        const body = defined({
          name,
          short_name: text(options['short-name']),
          logo_url: text(options['logo-url']),
          support_url: text(options['support-url']),
          support_email: text(options['support-email']),
          documentation_url: text(options['documentation-url']),
          documentation_descr: text(options['documentation-descr']),
          oauth2: oauth2Option(options),
        })
        const reply = await call(ctx, 'POST', 'admin/providers', body)
        show<ProviderView>(ctx, reply, (p) => `added provider ${p.id} ${p.name} (short name ${p.short_name})`)
      },
    },
    rm: {
      usage: 'ID [--cascade] [--json]',
      options: { ...JSON_OPTION, cascade: { type: 'boolean' } },
      async run(ctx, args) {
        const id = positiveId(oneArgument(args, 'ID'), 'ID')
        const reply = await call(ctx, 'DELETE', `admin/providers/${id}${ctx.options.cascade ? '?cascade=true' : ''}`, undefined, (r) =>
          r.status === 409 && !ctx.options.cascade ? 'add --cascade to delete its domains with it' : undefined,
        )
        show<{ deleted: ProviderView }>(ctx, reply, ({ deleted: p }) => `deleted provider ${p.id} ${p.name}${p.domains.length > 0 ? ` with its domains ${p.domains.join(', ')}` : ''}`)
      },
    },
  },
}

/** The nested `oauth2` body field from the --oauth2-* options; the service checks the values. */
function oauth2Option(options: Context['options']) {
  const issuer = text(options['oauth2-issuer'])
  const details = ['oauth2-scope', 'oauth2-auth-url', 'oauth2-token-url', 'oauth2-client-id', 'oauth2-only'].filter((name) => options[name] !== undefined)
  if (issuer === undefined) {
    if (details.length > 0) throw new UsageError(`--${details[0]} needs --oauth2-issuer`)
    return undefined
  }
  return defined({
    issuer,
    scope: text(options['oauth2-scope']),
    auth_url: text(options['oauth2-auth-url']),
    token_url: text(options['oauth2-token-url']),
    client_id: text(options['oauth2-client-id']),
    password: options['oauth2-only'] ? false : undefined,
  })
}

async function providerFor(ctx: Context, option: string | boolean | undefined): Promise<number> {
  if (typeof option === 'string') return positiveId(option, '--provider')
  const all = parse<ProviderView[]>(await call(ctx, 'GET', 'admin/providers'))
  const [only, ...more] = all
  if (only && more.length === 0) return only.id
  if (!only) throw new UsageError('there is no provider yet: add one (mailconf providers add NAME) or seed (mailconf seed FILE)')
  throw new UsageError(`there are ${all.length} providers; choose one with --provider ID (${all.map((p) => `${p.id} ${p.name}`).join(', ')})`)
}

const domains: Command = {
  name: 'domains',
  summary: 'domains list [--provider ID] | add DOMAIN [--provider ID] [--ldapserver ID] | rm DOMAIN',
  details: `list prints: domain, provider name (--provider ID: only that provider's domains).
add may leave out --provider when there is exactly one provider; --ldapserver ID looks user names
up in that directory. rm deletes the domain with its server links and ActiveSync URL.
--json prints the service's answer as is.`,
  actions: {
    list: {
      usage: '[--provider ID] [--json]',
      options: { ...JSON_OPTION, provider: { type: 'string' } },
      async run(ctx, args) {
        expectArgs(args, [])
        const filter = typeof ctx.options.provider === 'string' ? `?provider_id=${positiveId(ctx.options.provider, '--provider')}` : ''
        const reply = await call(ctx, 'GET', `admin/domains${filter}`)
        if (ctx.options.json) {
          ctx.io.out(reply.text.trimEnd())
          return
        }
        const names = new Map(parse<ProviderView[]>(await call(ctx, 'GET', 'admin/providers')).map((p) => [p.id, p.name]))
        show<DomainView[]>(ctx, reply, (all) => all.map((d) => row(d.name, names.get(d.provider_id) ?? d.provider_id)))
      },
    },
    add: {
      usage: 'DOMAIN [--provider ID] [--ldapserver ID] [--json]',
      options: { ...JSON_OPTION, provider: { type: 'string' }, ldapserver: { type: 'string' } },
      async run(ctx, args) {
        const name = oneArgument(args, 'DOMAIN')
        const ldapserver = typeof ctx.options.ldapserver === 'string' ? positiveId(ctx.options.ldapserver, '--ldapserver') : undefined
        const body = defined({ name, provider_id: await providerFor(ctx, ctx.options.provider), ldapserver_id: ldapserver })
        show<DomainView>(ctx, await call(ctx, 'POST', 'admin/domains', body), (d) => `added ${d.name} (id ${d.id}, provider ${d.provider_id})`)
      },
    },
    rm: {
      usage: 'DOMAIN [--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        const name = oneArgument(args, 'DOMAIN')
        show<{ deleted: DomainView }>(ctx, await call(ctx, 'DELETE', `admin/domains/${seg(name)}`), ({ deleted }) => `deleted ${deleted.name}`)
      },
    },
  },
}

// ---------------------------------------------------------------------------------------------
// Mail and DAV servers: shared rm, link, unlink

function linkActions(path: string, label: string): Record<string, Action> {
  const link = (linked: boolean): Action => ({
    usage: 'ID DOMAIN [--json]',
    options: JSON_OPTION,
    async run(ctx, args) {
      const [rawId, domain] = expectArgs(args, ['ID', 'DOMAIN']) as [string, string]
      const id = positiveId(rawId, 'ID')
      const reply = await call(ctx, linked ? 'PUT' : 'DELETE', `admin/${path}/${id}/domains/${seg(domain)}`)
      show<{ id: number; domains: string[] }>(ctx, reply, (s) => `${linked ? 'linked' : 'unlinked'} ${label} ${s.id} ${linked ? 'to' : 'from'} ${domain}; it serves ${s.domains.length > 0 ? s.domains.join(', ') : 'no domain'}`)
    },
  })
  return {
    rm: {
      usage: 'ID [--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        const id = positiveId(oneArgument(args, 'ID'), 'ID')
        show<{ deleted: { id: number } }>(ctx, await call(ctx, 'DELETE', `admin/${path}/${id}`), ({ deleted }) => `deleted ${label} ${deleted.id} with its links`)
      },
    },
    link: link(true),
    unlink: link(false),
  }
}

/** What mail servers and ManageSieve servers both take: a host reached over TCP. */
const TCP_SERVER_OPTIONS = { port: { type: 'string' }, 'socket-type': { type: 'string' }, auth: { type: 'string' }, username: { type: 'string' } } as const satisfies Record<string, OptionSpec>

function tcpServerFields(options: Context['options']) {
  return {
    port: wholeNumber(options.port, 'port'),
    socket_type: text(options['socket-type']),
    authentication: text(options.auth),
    user_name: text(options.username),
  }
}

const servers: Command = {
  name: 'servers',
  summary: 'servers list | add TYPE HOST [options] | rm ID | link ID DOMAIN | unlink ID DOMAIN',
  details: `Mail servers (IMAP, POP3, SMTP). A server serves the domains it is linked to.
list prints: id, type, host, port, socket type, authentication, priority, user name, domains.
add TYPE HOST: TYPE is imap, pop or smtp.
  --port N             default 993 (imap), 995 (pop), 465 (smtp)
  --socket-type T      SSL, STARTTLS or plain; default SSL on 465/993/995, else STARTTLS
  --prio N             order among servers of a type, lowest first (default 10)
  --auth A             plain, secure, NTLM, OAuth2, or none (smtp only); default plain
  --username U         the login name template (default %EMAILADDRESS%)
--json prints the service's answer as is.`,
  actions: {
    list: {
      usage: '[--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        expectArgs(args, [])
        show<ServerView[]>(ctx, await call(ctx, 'GET', 'admin/servers'), (all) =>
          all.map((s) => row(s.id, s.type, s.name, s.port, s.socket_type, s.authentication, s.prio, s.user_name, list(s.domains))),
        )
      },
    },
    add: {
      usage: 'TYPE HOST [--port N] [--socket-type SSL|STARTTLS|plain] [--prio N] [--auth A] [--username U] [--json]',
      options: { ...JSON_OPTION, ...TCP_SERVER_OPTIONS, prio: { type: 'string' } },
      async run(ctx, args) {
        const [type, name] = expectArgs(args, ['TYPE', 'HOST']) as [string, string]
        const body = defined({ type, name, ...tcpServerFields(ctx.options), prio: wholeNumber(ctx.options.prio, 'prio') })
        show<ServerView>(ctx, await call(ctx, 'POST', 'admin/servers', body), (s) => `added server ${s.id}: ${s.type} ${s.name} port ${s.port} ${s.socket_type}, authentication ${s.authentication}`)
      },
    },
    ...linkActions('servers', 'server'),
  },
}

const davservers: Command = {
  name: 'davservers',
  summary: 'davservers list | add caldav|carddav URL [options] | rm ID | link ID DOMAIN | unlink ID DOMAIN',
  details: `CalDAV and CardDAV servers. A server serves the domains it is linked to.
list prints: id, type, URL, port, ssl or no-ssl, user name, domains.
add caldav|carddav URL (http or https; placeholders allowed):
  --port N             default from the URL
  --ssl, --no-ssl      default from the URL's scheme
  --domain-required    clients must log in with the full address
  --username U         the login name template (default %EMAILADDRESS%)
--json prints the service's answer as is.`,
  actions: {
    list: {
      usage: '[--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        expectArgs(args, [])
        show<DavServerView[]>(ctx, await call(ctx, 'GET', 'admin/davservers'), (all) =>
          all.map((s) => row(s.id, s.type, s.url, s.port, ssl(s.use_ssl), s.user_name, list(s.domains))),
        )
      },
    },
    add: {
      usage: 'caldav|carddav URL [--port N] [--ssl|--no-ssl] [--domain-required] [--username U] [--json]',
      options: { ...JSON_OPTION, ...SSL_OPTIONS, port: { type: 'string' }, 'domain-required': { type: 'boolean' }, username: { type: 'string' } },
      async run(ctx, args) {
        const [type, url] = expectArgs(args, ['TYPE', 'URL']) as [string, string]
        const { options } = ctx
        const body = defined({
          type,
          url,
          port: wholeNumber(options.port, 'port'),
          use_ssl: sslChoice(options),
          domain_required: options['domain-required'] ? true : undefined,
          user_name: text(options.username),
        })
        show<DavServerView>(ctx, await call(ctx, 'POST', 'admin/davservers', body), (s) => `added DAV server ${s.id}: ${s.type} ${s.url} port ${s.port} ${ssl(s.use_ssl)}`)
      },
    },
    ...linkActions('davservers', 'DAV server'),
  },
}

const urlservers: Command = {
  name: 'urlservers',
  summary: 'urlservers list | add jmap|webdav URL [--username U] | rm ID | link ID DOMAIN | unlink ID DOMAIN',
  details: `JMAP sessions and WebDAV file shares, reached by an https URL (Autoconfig 1.2 and PACC
publish them). A server serves the domains it is linked to.
list prints: id, type, URL, user name, domains.
add jmap|webdav URL (https; placeholders allowed, though PACC cannot publish a URL holding one):
  --username U         the login name template (default %EMAILADDRESS%)
--json prints the service's answer as is.`,
  actions: {
    list: {
      usage: '[--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        expectArgs(args, [])
        show<UrlServerView[]>(ctx, await call(ctx, 'GET', 'admin/urlservers'), (all) => all.map((s) => row(s.id, s.type, s.url, s.user_name, list(s.domains))))
      },
    },
    add: {
      usage: 'jmap|webdav URL [--username U] [--json]',
      options: { ...JSON_OPTION, username: { type: 'string' } },
      async run(ctx, args) {
        const [type, url] = expectArgs(args, ['TYPE', 'URL']) as [string, string]
        const body = defined({ type, url, user_name: text(ctx.options.username) })
        show<UrlServerView>(ctx, await call(ctx, 'POST', 'admin/urlservers', body), (s) => `added URL server ${s.id}: ${s.type} ${s.url}`)
      },
    },
    ...linkActions('urlservers', 'URL server'),
  },
}

const sieveservers: Command = {
  name: 'sieveservers',
  summary: 'sieveservers list | add HOST [options] | rm ID | link ID DOMAIN | unlink ID DOMAIN',
  details: `ManageSieve servers (RFC 5804), where mail programs upload filter rules (Autoconfig 1.2
publishes them). A server serves the domains it is linked to.
list prints: id, host, port, socket type, authentication, user name, domains.
add HOST:
  --port N             default 4190
  --socket-type T      SSL, STARTTLS or plain; default STARTTLS
  --auth A             plain, secure, NTLM or OAuth2; default plain
  --username U         the login name template (default %EMAILADDRESS%)
--json prints the service's answer as is.`,
  actions: {
    list: {
      usage: '[--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        expectArgs(args, [])
        show<SieveServerView[]>(ctx, await call(ctx, 'GET', 'admin/sieveservers'), (all) =>
          all.map((s) => row(s.id, s.name, s.port, s.socket_type, s.authentication, s.user_name, list(s.domains))),
        )
      },
    },
    add: {
      usage: 'HOST [--port N] [--socket-type SSL|STARTTLS|plain] [--auth A] [--username U] [--json]',
      options: { ...JSON_OPTION, ...TCP_SERVER_OPTIONS },
      async run(ctx, args) {
        const name = oneArgument(args, 'HOST')
        const body = defined({ name, ...tcpServerFields(ctx.options) })
        show<SieveServerView>(ctx, await call(ctx, 'POST', 'admin/sieveservers', body), (s) => `added ManageSieve server ${s.id}: ${s.name} port ${s.port} ${s.socket_type}, authentication ${s.authentication}`)
      },
    },
    ...linkActions('sieveservers', 'ManageSieve server'),
  },
}

// ---------------------------------------------------------------------------------------------
// LDAP servers

/** A password from a file (or - for standard input), never from the command line. */
async function passwordFrom(file: string | boolean | undefined, io: Io): Promise<string | undefined> {
  if (typeof file !== 'string') return undefined
  return (await readInput(file, io)).replace(/\r?\n$/, '')
}

const ldapservers: Command = {
  name: 'ldapservers',
  summary: 'ldapservers list | add HOST --search-base DN [options] | rm ID',
  details: `LDAP directories that domains look login names up in (domains add … --ldapserver ID).
list prints: id, host, port, ssl or no-ssl, search base, search filter, bind user (- for an
anonymous bind), domains.
add HOST --search-base DN:
  --port N                   default 636
  --ssl, --no-ssl            default: LDAPS on port 636, else plain LDAP
  --search-filter F          default (mail={0})
  --attr-uid A               default uid
  --attr-cn A                default cn
  --bind-user DN             default: anonymous bind
  --bind-password-file FILE  the bind password, read from FILE (- for standard input) so that it
                             never appears on a command line
rm refuses a directory that domains still use.
--json prints the service's answer as is (bind passwords are never shown).`,
  actions: {
    list: {
      usage: '[--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        expectArgs(args, [])
        show<LdapServerView[]>(ctx, await call(ctx, 'GET', 'admin/ldapservers'), (all) =>
          all.map((l) => row(l.id, l.name, l.port, ssl(l.use_ssl), l.search_base, l.search_filter, orDash(l.bind_user), list(l.domains))),
        )
      },
    },
    add: {
      usage: 'HOST --search-base DN [--port N] [--ssl|--no-ssl] [--search-filter F] [--attr-uid A] [--attr-cn A] [--bind-user DN] [--bind-password-file FILE] [--json]',
      options: {
        ...JSON_OPTION,
        ...SSL_OPTIONS,
        port: { type: 'string' },
        'search-base': { type: 'string' },
        'search-filter': { type: 'string' },
        'attr-uid': { type: 'string' },
        'attr-cn': { type: 'string' },
        'bind-user': { type: 'string' },
        'bind-password-file': { type: 'string' },
      },
      async run(ctx, args) {
        const name = oneArgument(args, 'HOST')
        const { options } = ctx
        const searchBase = text(options['search-base'])
        if (searchBase === undefined) throw new UsageError('missing --search-base DN (where to look users up, e.g. ou=people,dc=example,dc=com)')
        const body = defined({
          name,
          port: wholeNumber(options.port, 'port'),
          use_ssl: sslChoice(options),
          search_base: searchBase,
          search_filter: text(options['search-filter']),
          attr_uid: text(options['attr-uid']),
          attr_cn: text(options['attr-cn']),
          bind_user: text(options['bind-user']),
          bind_password: await passwordFrom(options['bind-password-file'], ctx.io),
        })
        show<LdapServerView>(ctx, await call(ctx, 'POST', 'admin/ldapservers', body), (l) => `added LDAP server ${l.id}: ${l.name} port ${l.port} ${ssl(l.use_ssl)}${l.has_bind_password ? ', with a bind password' : ''}`)
      },
    },
    rm: {
      usage: 'ID [--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        const id = positiveId(oneArgument(args, 'ID'), 'ID')
        show<{ deleted: LdapServerView }>(ctx, await call(ctx, 'DELETE', `admin/ldapservers/${id}`), ({ deleted }) => `deleted LDAP server ${deleted.id} ${deleted.name}`)
      },
    },
  },
}

// ---------------------------------------------------------------------------------------------
// ActiveSync

const activesync: Command = {
  name: 'activesync',
  summary: 'activesync get DOMAIN | set DOMAIN URL | rm DOMAIN',
  details: `The Exchange ActiveSync URL that Autodiscover announces for a domain (https only).
get prints: domain, URL. --json prints the service's answer as is.`,
  actions: {
    get: {
      usage: 'DOMAIN [--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        const domain = oneArgument(args, 'DOMAIN')
        show<ActiveSyncView>(ctx, await call(ctx, 'GET', `admin/domains/${seg(domain)}/activesync`), (a) => row(a.domain, a.url))
      },
    },
    set: {
      usage: 'DOMAIN URL [--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        const [domain, url] = expectArgs(args, ['DOMAIN', 'URL']) as [string, string]
        show<ActiveSyncView>(ctx, await call(ctx, 'PUT', `admin/domains/${seg(domain)}/activesync`, { url }), (a) => `set the ActiveSync URL of ${a.domain} to ${a.url}`)
      },
    },
    rm: {
      usage: 'DOMAIN [--json]',
      options: JSON_OPTION,
      async run(ctx, args) {
        const domain = oneArgument(args, 'DOMAIN')
        show<{ deleted: { domain: string } }>(ctx, await call(ctx, 'DELETE', `admin/domains/${seg(domain)}/activesync`), ({ deleted }) => `deleted the ActiveSync URL of ${deleted.domain}`)
      },
    },
  },
}

export const COMMANDS: readonly Command[] = [seed, importCommand, exportCommand, purge, providers, domains, servers, davservers, urlservers, sieveservers, ldapservers, activesync, dns]
