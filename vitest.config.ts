import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const migrationsDir = fileURLToPath(new URL('./schema/migrations', import.meta.url))
// As scripts/build-worker.mjs does for the deployed Worker: workerd's debuglog always logs (see
// src/directory/node-util-shim.js).
const nodeUtilShim = fileURLToPath(new URL('./src/directory/node-util-shim.js', import.meta.url))
// `npm run fuzz -- --runs N [--seed S]` (scripts/fuzz.mjs) sets these for test/app/fuzz.test.ts.
const fuzz = { runs: Number(process.env.FUZZ_RUNS ?? 0) || 0, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : null }

export default defineConfig({
  test: {
    // First a check that the system packages the tests run for real are there (it stops the run
    // with install instructions otherwise). Then one slapd (LDAP + LDAPS) and a silent TCP server
    // on 127.0.0.1 for the LDAP tests of both projects, and one PostgreSQL and one MariaDB server
    // for the SQL-server targets: a root globalSetup runs once per run and what it provides
    // reaches every project.
    globalSetup: ['./test/support/node/system-packages-global-setup.ts', './test/support/node/slapd-global-setup.ts', './test/support/node/sql-global-setup.ts'],
    projects: [
      {
        // Worker tests: run inside workerd with a real local D1 (migrations applied per test file).
        plugins: [
          cloudflareTest(async () => ({
            // The TypeScript source, not wrangler.toml's `main` (the split build of
            // scripts/build-worker.mjs, which test/deploy/split-build.node.test.ts covers).
            main: './src/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ADMIN_TOKEN: 'test-admin-token',
                LOG_LEVEL: 'warn',
                // The test directories listen on 127.0.0.1 (directory/policy.ts), and suites expect
                // each lookup to dial: the circuit is off except where a test turns it on.
                LDAP_ALLOW_PRIVATE: 'true',
                LDAP_CIRCUIT_FAILURES: '0',
                TEST_MIGRATIONS: await readD1Migrations(migrationsDir),
              },
              // miniflare's implementation of the Workers rate-limit binding. wrangler.toml's
              // ADMIN_RATE_LIMITER (30 a minute) is raised past what the suites send from one
              // address; test/admin/auth.test.ts hands in the one under another name, with a low
              // limit, as ADMIN_RATE_LIMITER.
              // The optional Workers Analytics Engine binding (README "Metrics"), bound as a
              // deployment that turns it on would: every Worker test's config requests write to it.
              analyticsEngineDatasets: { METRICS: { dataset: 'mailconf_requests' } },
              // Local Hyperdrive bindings to the run's PostgreSQL and MariaDB (sql-global-setup.ts
              // sets these before the pool starts); test/db/hyperdrive.test.ts binds one as HYPERDRIVE.
              hyperdrives: Object.fromEntries(
                Object.entries({ HYPERDRIVE_POSTGRES: process.env.MAILCONF_TEST_HYPERDRIVE_POSTGRES, HYPERDRIVE_MYSQL: process.env.MAILCONF_TEST_HYPERDRIVE_MYSQL }).flatMap(([name, url]) =>
                  url ? [[name, url]] : [],
                ),
              ),
              ratelimits: {
                ADMIN_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 1_000_000, period: 60 } },
                RATE_LIMITER_UNDER_TEST: { namespace_id: '1002', simple: { limit: 5, period: 60 } },
              },
            },
          })),
        ],
        resolve: { alias: [{ find: /^node:util$/, replacement: nodeUtilShim }] },
        test: {
          name: 'worker',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.node.test.ts'],
          setupFiles: ['./test/support/apply-migrations.ts'],
          provide: { fuzz },
        },
      },
      {
        // Node tests: what needs the host (child processes such as openssl or slapd, a browser,
        // the self-hosted Node entry, libsql files).
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.node.test.ts'],
          // These start processes (node, openssl, wrangler) and servers while the rest of the suite
          // runs beside them on two cores: a start that takes 2 s alone took over 5 s (vitest's
          // default) under that load. A test that hangs still fails, at 20 s.
          testTimeout: 20_000,
        },
      },
    ],
  },
})
