/**
 * Worker entry for PostgreSQL or MySQL through Hyperdrive (`main = "src/worker-hyperdrive.ts"` in
 * wrangler.toml, README "Using PostgreSQL or MySQL"): the app of src/worker.ts with the drivers for
 * the `HYPERDRIVE` binding. A separate entry because they weigh more than the rest of the Worker
 * together; `DB` and `LIBSQL_URL` work here as in src/worker.ts, and take the same precedence.
 */
import { createApp } from './app/create-app'
import type { Bindings } from './app/env'
import { useHyperdrive } from './db/from-bindings'
import { openHyperdrive } from './db/hyperdrive'

useHyperdrive(openHyperdrive)
const app = createApp()

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>
