import type { D1Migration } from 'cloudflare:test'

declare global {
  namespace Cloudflare {
    interface Env {
      ADMIN_TOKEN: string
      TEST_MIGRATIONS: D1Migration[]
      /** limit 5 per 60 s (vitest.config.ts), for the admin rate-limit tests. */
      RATE_LIMITER_UNDER_TEST: RateLimit
      /** The optional Analytics Engine binding, bound for every Worker test (vitest.config.ts). */
      METRICS?: AnalyticsEngineDataset
      /** Local Hyperdrive bindings to the run's PostgreSQL and MariaDB (vitest.config.ts), when the pool got them. */
      HYPERDRIVE_POSTGRES?: Hyperdrive
      HYPERDRIVE_MYSQL?: Hyperdrive
    }
    interface GlobalProps {
      mainModule: typeof import('../../src/worker')
    }
  }
}
