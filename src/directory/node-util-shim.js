/**
 * `node:util` for the Worker (aliased by scripts/build-worker.mjs; vitest.config.ts does the same
 * for tests): workerd's own module, except that `debuglog` is silent. Plain JavaScript because the
 * Worker's type set has no declarations for `util`.
 *
 * Quirk(workerd): its `debuglog` is always on ("we'll just always enable debuglog on the
 * requested sets", workerd src/node/internal/debuglog.ts), unlike Node's, which waits for
 * NODE_DEBUG. ldapts logs every LDAP message through it — search filters holding the user's
 * address, bind DNs — so without this every directory lookup would write them to the log.
 * The bare specifier `util` is not aliased, so it reaches workerd's module.
 */
export * from 'util'
export { default } from 'util'

/** A disabled logger with Node's shape: callable, `enabled` false. */
export function debuglog() {
  return Object.assign(() => undefined, { enabled: false })
}
