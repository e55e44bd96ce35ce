/**
 * An in-isolate (in-process, for the Node entry) cache of resolved domain data, so a repeated
 * request for the same domain costs no database round trip. Only `DomainConfig` is cached, never a
 * per-user document: login names and display names from LDAP are looked up per request.
 *
 * Staleness bound: an entry lives `ttlMs`. A write through this service's admin routes clears the
 * cache of the isolate that served it at once; other isolates (other Cloudflare locations, other
 * instances) see the change when their entry expires, so at most `ttlMs` after the write.
 * Unknown domains are cached too (as `null`), which keeps floods of junk requests off the database.
 *
 * An entry also keeps the documents rendered from it that hold nothing per user (`RenderedDocuments`),
 * so a repeated placeholder-only Autoconfig request renders nothing: they live and go with the entry.
 */
import type { DomainConfig } from '../core/model'

// Keys are a format plus what else its document depends on (the v2 answer: the Host asked), so
// a client could grow an entry's documents with made-up hosts; past this many they are rendered
// and not kept.
const MAX_DOCUMENTS_PER_ENTRY = 16

/** An answer as a route sends it: the status and the body (headers are the route's own). */
export interface RenderedDocument {
  readonly status: 200 | 400 | 404
  readonly body: string
}

/** Documents rendered from one entry's data, each kept under a key that names all else it depends on. */
export class RenderedDocuments {
  private readonly documents = new Map<string, RenderedDocument>()

  /** The document under `key`, rendered by `render` the first time. */
  get(key: string, render: () => RenderedDocument): RenderedDocument {
    let document = this.documents.get(key)
    if (document === undefined) {
      document = render()
      if (this.documents.size < MAX_DOCUMENTS_PER_ENTRY) this.documents.set(key, document)
    }
    return document
  }
}

/** A domain's data as the cache holds it, with the documents rendered from it. */
export interface CachedDomain {
  readonly config: DomainConfig | null
  readonly documents: RenderedDocuments
}

export interface DomainCacheOptions {
  readonly ttlMs: number
  readonly maxEntries: number
  /** Milliseconds since some epoch; injectable so tests can move time. */
  readonly now?: () => number
}

interface Entry extends CachedDomain {
  readonly expiresAt: number
}

export class DomainCache {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number

  constructor(private readonly options: DomainCacheOptions) {
    this.now = options.now ?? Date.now
  }

  /** The cached answer for a domain: a config, `null` (known unknown), or `undefined` (miss). */
  get(domain: string): DomainConfig | null | undefined {
    return this.entry(domain)?.config
  }

  /** The cached entry of a domain, with its rendered documents; `undefined` on a miss. */
  entry(domain: string): CachedDomain | undefined {
    const entry = this.entries.get(domain)
    if (!entry) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(domain)
      return undefined
    }
    return entry
  }

  /** Stores a domain's data; what it returns is the entry (with the TTL 0, one nothing keeps). */
  set(domain: string, config: DomainConfig | null): CachedDomain {
    const entry: Entry = { config, documents: new RenderedDocuments(), expiresAt: this.now() + this.options.ttlMs }
    if (this.options.ttlMs <= 0) return entry
    // Map keeps insertion order: dropping the first key evicts the oldest entry.
    this.entries.delete(domain)
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(domain, entry)
    return entry
  }

  /** Forget everything: called after every write to the configuration data. */
  clear(): void {
    this.entries.clear()
  }

  get size(): number {
    return this.entries.size
  }
}

const DEFAULT_CACHE_TTL_SECONDS = 60
const DEFAULT_CACHE_MAX_ENTRIES = 10_000

/** `CONFIG_CACHE_TTL_SECONDS` (0 disables the cache); bad values fall back to the default. */
export function cacheTtlMs(setting: string | undefined): number {
  if (setting === undefined || setting.trim() === '') return DEFAULT_CACHE_TTL_SECONDS * 1000
  const seconds = Number(setting)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_CACHE_TTL_SECONDS * 1000
}

/**
 * `Cache-Control` for an answer that holds nothing per user (docs/clients.md §5.6): shared caches may
 * keep it for one domain cache TTL, so an admin change reaches a client within two TTLs (one here,
 * one in a shared cache).
 */
export function sharedCacheControl(ttlSetting: string | undefined): string {
  return `public, max-age=${Math.floor(cacheTtlMs(ttlSetting) / 1000)}`
}

/**
 * The caches of one app: one per database handle. Handles live as long as the isolate (or the Node
 * process; db/from-bindings.ts), so each cache does too, and two databases never share entries.
 * A changed `CONFIG_CACHE_TTL_SECONDS` (another set of bindings) starts a fresh cache.
 */
export class DomainCaches {
  private readonly byDatabase = new WeakMap<object, { readonly setting: string | undefined; readonly cache: DomainCache }>()

  forDatabase(database: object, ttlSetting: string | undefined): DomainCache {
    const known = this.byDatabase.get(database)
    if (known && known.setting === ttlSetting) return known.cache
    const cache = new DomainCache({ ttlMs: cacheTtlMs(ttlSetting), maxEntries: DEFAULT_CACHE_MAX_ENTRIES })
    this.byDatabase.set(database, { setting: ttlSetting, cache })
    return cache
  }
}
