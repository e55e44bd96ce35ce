/** Worker entry. */
import { createApp } from './app/create-app'
import type { Bindings } from './app/env'
import { loadHyperdrive } from './db/from-bindings'

const app = createApp()

export default {
  // The PostgreSQL/MySQL drivers are evaluated only by a Worker that uses HYPERDRIVE (and no DB).
  fetch: async (request: Request, env: Bindings, ctx?: ExecutionContext) => {
    if (env.HYPERDRIVE && !env.DB) await loadHyperdrive()
    return app.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Bindings>
