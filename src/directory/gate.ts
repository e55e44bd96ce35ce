/**
 * A bound on the work anonymous requests can make a directory do. Each directory (host, port, TLS)
 * gets one gate per isolate or process:
 * - at most `maxConcurrent` lookups (each one connection) at a time; more wait in a short queue,
 *   at most `maxWaiting` of them and at most `queueMs` each, then are refused;
 * - after `failuresToOpen` lookups in a row fail, the circuit opens: for `openMs` nothing is
 *   dialled and lookups are refused at once; then one trial lookup decides whether it closes;
 * - a lookup whose request went away (its AbortSignal) leaves the queue, or is cut short.
 * Refusals are DirectoryErrors like any other outage: the request answers 503 + Retry-After.
 */
import type { DirectoryStage } from './client'

export interface GateLimits {
  readonly maxConcurrent: number
  readonly maxWaiting: number
  readonly queueMs: number
  readonly failuresToOpen: number
  readonly openMs: number
}

/** Why the gate turned a lookup away (a DirectoryError of this stage follows). */
export type Refusal = Extract<DirectoryStage, 'queue' | 'circuit' | 'aborted'>

export class GateRefusal extends Error {
  constructor(
    readonly stage: Refusal,
    message: string,
  ) {
    super(message)
  }
}

interface Waiter {
  readonly start: () => void
}

export class DirectoryGate {
  private active = 0
  private readonly waiting: Waiter[] = []
  private failures = 0
  private openUntil = 0
  private trialRunning = false

  constructor(
    private readonly limits: GateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `lookup` when a slot is free. `failed(error)` tells which errors count against the
   * directory (a wrong configuration does not). The lookup gets the signal to cut itself short.
   */
  async run<T>(lookup: () => Promise<T>, failed: (error: unknown) => boolean, signal?: AbortSignal): Promise<T> {
    const trial = this.admitThroughCircuit()
    try {
      await this.acquire(signal)
    } catch (refusal) {
      if (trial) this.trialRunning = false
      throw refusal
    }
    try {
      const result = await lookup()
      this.failures = 0
      this.openUntil = 0
      return result
    } catch (error) {
      if (failed(error) && ++this.failures >= this.limits.failuresToOpen) this.openUntil = this.now() + this.limits.openMs
      throw error
    } finally {
      if (trial) this.trialRunning = false
      this.release()
    }
  }

  /** Whether this lookup is the trial of a circuit that was open; throws while it is open. */
  private admitThroughCircuit(): boolean {
    if (this.failures < this.limits.failuresToOpen) return false
    const seconds = Math.ceil((this.openUntil - this.now()) / 1000)
    if (seconds > 0 || this.trialRunning) {
      throw new GateRefusal('circuit', `${this.failures} lookups in a row failed; not dialled for ${Math.max(seconds, 1)} s`)
    }
    this.trialRunning = true
    return true
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(new GateRefusal('aborted', 'the request went away'))
    if (this.active < this.limits.maxConcurrent) {
      this.active++
      return Promise.resolve()
    }
    if (this.waiting.length >= this.limits.maxWaiting) {
      return Promise.reject(new GateRefusal('queue', `${this.active} lookups running and ${this.waiting.length} waiting`))
    }
    return new Promise<void>((resolve, reject) => {
      const leave = (refusal: GateRefusal) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        const index = this.waiting.indexOf(waiter)
        if (index >= 0) this.waiting.splice(index, 1)
        reject(refusal)
      }
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          this.active++
          resolve()
        },
      }
      const onAbort = () => leave(new GateRefusal('aborted', 'the request went away'))
      const timer = setTimeout(() => leave(new GateRefusal('queue', `no free connection within ${this.limits.queueMs} ms`)), this.limits.queueMs)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
    })
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.start()
  }

  /** For tests and logs: lookups running and waiting. */
  get load(): { readonly active: number; readonly waiting: number } {
    return { active: this.active, waiting: this.waiting.length }
  }
}

const gates = new Map<string, { readonly limits: GateLimits; readonly gate: DirectoryGate }>()

/** The gate of one directory in this isolate or process; new limits (other settings) start a new one. */
export function gateFor(key: string, limits: GateLimits): DirectoryGate {
  const known = gates.get(key)
  if (known && JSON.stringify(known.limits) === JSON.stringify(limits)) return known.gate
  const gate = new DirectoryGate(limits)
  gates.set(key, { limits, gate })
  return gate
}
