/** DirectoryGate: bounded concurrency, a short queue, a circuit for failing directories, abandoned lookups. */
import { describe, expect, it } from 'vitest'
import { DirectoryGate, GateRefusal, type GateLimits } from '../../src/directory/gate'

const LIMITS: GateLimits = { maxConcurrent: 2, maxWaiting: 2, queueMs: 50, failuresToOpen: 3, openMs: 1_000 }

/** A lookup that finishes when told to. */
function pending<T>() {
  let finish: (value: T) => void = () => {}
  let failWith: (error: unknown) => void = () => {}
  const promise = new Promise<T>((resolve, reject) => {
    finish = resolve
    failWith = reject
  })
  return { promise, finish, failWith }
}

const refusalOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => (error instanceof GateRefusal ? error.stage : error))
const alwaysFails = () => true

describe('DirectoryGate', () => {
  it('runs at most maxConcurrent lookups; the next waits and runs when one ends', async () => {
    const gate = new DirectoryGate(LIMITS)
    const first = pending<string>()
    const started: string[] = []
    const a = gate.run(() => (started.push('a'), first.promise), alwaysFails)
    const b = gate.run(() => (started.push('b'), new Promise<string>(() => {})), alwaysFails)
    const c = gate.run(async () => (started.push('c'), 'c'), alwaysFails)
    await Promise.resolve()
    expect(started).toEqual(['a', 'b'])
    expect(gate.load).toEqual({ active: 2, waiting: 1 })
    first.finish('a')
    expect(await a).toBe('a')
    expect(await c).toBe('c')
    expect(started).toEqual(['a', 'b', 'c'])
    void b
  })

  it('refuses a lookup that waited queueMs, and one past maxWaiting at once', async () => {
    const gate = new DirectoryGate(LIMITS)
    const hang = () => new Promise<never>(() => {})
    void gate.run(hang, alwaysFails)
    void gate.run(hang, alwaysFails)
    const waited = gate.run(hang, alwaysFails)
    const alsoWaiting = refusalOf(gate.run(hang, alwaysFails))
    const started = Date.now()
    expect(await refusalOf(gate.run(hang, alwaysFails))).toBe('queue')
    expect(Date.now() - started).toBeLessThan(40)
    expect(await refusalOf(waited)).toBe('queue')
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect(await alsoWaiting).toBe('queue')
  })

  it('opens the circuit after failuresToOpen failures in a row, then lets one trial through', async () => {
    let now = 0
    const gate = new DirectoryGate(LIMITS, () => now)
    let dialled = 0
    const failing = () => (dialled++, Promise.reject(new Error('refused')))
    for (let i = 0; i < 3; i++) await refusalOf(gate.run(failing, alwaysFails))
    expect(dialled).toBe(3)
    expect(await refusalOf(gate.run(failing, alwaysFails))).toBe('circuit')
    expect(dialled).toBe(3)
    now = 1_000
    // The trial fails: open again at once, nothing more dialled.
    expect(await refusalOf(gate.run(failing, alwaysFails))).toEqual(new Error('refused'))
    expect(await refusalOf(gate.run(failing, alwaysFails))).toBe('circuit')
    expect(dialled).toBe(4)
    now = 2_000
    // The trial succeeds: closed, and failures count from zero.
    expect(await gate.run(async () => (dialled++, 'ok'), alwaysFails)).toBe('ok')
    expect(await refusalOf(gate.run(failing, alwaysFails))).toEqual(new Error('refused'))
    expect(dialled).toBe(6)
  })

  it('does not count errors the caller says are not the directory’s', async () => {
    const gate = new DirectoryGate(LIMITS)
    for (let i = 0; i < 5; i++) await refusalOf(gate.run(() => Promise.reject(new Error('config')), () => false))
    expect(await gate.run(async () => 'dialled', alwaysFails)).toBe('dialled')
  })

  it('lets a waiting lookup whose request went away leave the queue', async () => {
    const gate = new DirectoryGate(LIMITS)
    const hang = () => new Promise<never>(() => {})
    void gate.run(hang, alwaysFails)
    void gate.run(hang, alwaysFails)
    const controller = new AbortController()
    const waiting = gate.run(hang, alwaysFails, controller.signal)
    expect(gate.load.waiting).toBe(1)
    controller.abort()
    expect(await refusalOf(waiting)).toBe('aborted')
    expect(gate.load.waiting).toBe(0)
  })
})
