/**
 * The doctor's DNS questions, asked with node:dns's Resolver: the system's resolvers, or the one
 * `--resolver` (DOCTOR_RESOLVER on the server) names. No cache: every run asks afresh.
 */
import { lookup as systemLookup, Resolver } from 'node:dns/promises'
import type { Lookup, MxAnswer, SrvAnswer } from '../../doctor/dns-checks'

/** Answers that mean "nothing here" rather than "the question failed". */
const NOTHING = new Set(['ENOTFOUND', 'ENODATA'])

async function ask<T>(question: () => Promise<T[]>): Promise<Lookup<T>> {
  try {
    const values = await question()
    return values.length === 0 ? { kind: 'none' } : { kind: 'found', values }
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'EFAIL'
    return NOTHING.has(code) ? { kind: 'none' } : { kind: 'failed', message: `${code}${error instanceof Error && error.message ? `: ${error.message}` : ''}` }
  }
}

export interface DnsProbe {
  srv(name: string): Promise<Lookup<SrvAnswer>>
  /** Each TXT record's strings joined, as RFC 6764 and RFC 7208 read them. */
  txt(name: string): Promise<Lookup<string>>
  cname(name: string): Promise<Lookup<string>>
  mx(name: string): Promise<Lookup<MxAnswer>>
  /** Every IPv4 and IPv6 address of a name, through its CNAME chain. */
  addresses(name: string): Promise<Lookup<string>>
  /** The address a client would connect to: the system's lookup, or the chosen resolver's first. */
  connectAddress(name: string): Promise<{ readonly ok: true; readonly address: string } | { readonly ok: false; readonly message: string }>
}

const TIMEOUT_MS = 2_000
const TRIES = 2

/** `server`: `HOST:PORT` as settings.ts parseResolver returns it; null for the system's resolvers. */
export function dnsProbe(server: string | null): DnsProbe {
  const resolver = new Resolver({ timeout: TIMEOUT_MS, tries: TRIES })
  if (server !== null) resolver.setServers([server])

  const addresses = async (name: string): Promise<Lookup<string>> => {
    const [v4, v6] = await Promise.all([ask(() => resolver.resolve4(name)), ask(() => resolver.resolve6(name))])
    if (v4.kind === 'failed' && v6.kind !== 'found') return v4
    const found = [...(v4.kind === 'found' ? v4.values : []), ...(v6.kind === 'found' ? v6.values : [])]
    return found.length === 0 ? { kind: 'none' } : { kind: 'found', values: found }
  }

  return {
    srv: (name) => ask(() => resolver.resolveSrv(name).then((records) => records.map((r) => ({ priority: r.priority, weight: r.weight, port: r.port, target: r.name })))),
    txt: (name) => ask(() => resolver.resolveTxt(name).then((records) => records.map((chunks) => chunks.join('')))),
    cname: (name) => ask(() => resolver.resolveCname(name)),
    mx: (name) => ask(() => resolver.resolveMx(name)),
    addresses,
    async connectAddress(name) {
      if (server === null) {
        // As clients do: getaddrinfo, so /etc/hosts and the system's order apply.
        try {
          return { ok: true, address: (await systemLookup(name)).address }
        } catch (error) {
          return { ok: false, message: `cannot resolve ${name}: ${error instanceof Error && 'code' in error ? String(error.code) : String(error)}` }
        }
      }
      const found = await addresses(name)
      if (found.kind === 'found' && found.values[0] !== undefined) return { ok: true, address: found.values[0] }
      return { ok: false, message: `cannot resolve ${name}: ${found.kind === 'failed' ? found.message : 'no address'}` }
    },
  }
}
