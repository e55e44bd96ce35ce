/**
 * The admin API (/admin/…, /initdb), loaded on its first request.
 *
 * It carries zod, @hono/zod-openapi, drizzle-zod and the seed format: most of the Worker's code,
 * which config requests never use. Imported statically, all of it is evaluated at every isolate
 * start-up; through a dynamic `import()` the Worker's build (scripts/build-worker.mjs) makes it a
 * module of its own, loaded and evaluated only when first asked (bench/README.md "Start-up").
 *
 * Hono composes mounted routers when they are mounted, so a router that does not exist yet cannot
 * be mounted. Instead the outer app forwards these paths to an inner app that wraps the admin API:
 * the same handlers, middleware and error handlers, reached with the same Request. The inner app
 * takes the outer request's variables (database, logger, facts, …) and hands back what the request
 * log reads; its unmatched paths answer like the outer app's, and errors its routers leave
 * unhandled go on to the outer app's handler, as they did when it was mounted directly.
 */
import { Hono, type Context, type Handler, type NotFoundHandler } from 'hono'
import { ADMIN_ROUTES } from '../admin/route-table'
import type { AppEnv } from './env'

/** The outer context of each request forwarded to the inner app, by its Request object. */
const outer = new WeakMap<Request, Context<AppEnv>>()

let inner: Promise<Hono<AppEnv>> | undefined

function innerApp(notFound: NotFoundHandler<AppEnv>): Promise<Hono<AppEnv>> {
  inner ??= import('../admin/api').then(({ adminApi }) => {
    const app = new Hono<AppEnv>()
    app.use(async (c, next) => {
      const from = outer.get(c.req.raw)
      if (!from) throw new Error('the admin API was reached without the outer request')
      c.set('database', from.var.database)
      c.set('db', from.var.db)
      c.set('log', from.var.log)
      if (from.var.facts) c.set('facts', from.var.facts)
      if (from.var.resolveHost) c.set('resolveHost', from.var.resolveHost)
      if (from.var.doctor) c.set('doctor', from.var.doctor)
      await next()
      if (c.var.domain !== undefined) from.set('domain', c.var.domain)
      if (c.var.protocol !== undefined) from.set('protocol', c.var.protocol)
      if (c.var.failure !== undefined) from.set('failure', c.var.failure)
    })
    app.route('/', adminApi)
    app.notFound(notFound)
    app.onError((error) => {
      throw error
    })
    return app
  })
  return inner
}

/** Workers pass an ExecutionContext; Node's server may not, and Hono's getter then throws. */
function executionContextOf(c: Context<AppEnv>): Context<AppEnv>['executionCtx'] | undefined {
  try {
    return c.executionCtx
  } catch {
    return undefined
  }
}

/** Mounts the admin API's paths on `app`, loading it on the first request to one of them. */
export function mountAdminLazily(app: Hono<AppEnv>, notFound: NotFoundHandler<AppEnv>): void {
  const forward: Handler<AppEnv> = async (c) => {
    const admin = await innerApp(notFound)
    outer.set(c.req.raw, c)
    return admin.fetch(c.req.raw, c.env, executionContextOf(c))
  }
  // Each route by its method and path, so that the app's route table lists them as when the admin
  // API was mounted directly; then everything else under the two prefixes (`/*` also matches the
  // bare path), which the admin API answers 401 before 404 as it always did.
  for (const [method, path] of ADMIN_ROUTES) app.on(method, path, forward)
  app.all('/admin/*', forward)
  app.all('/initdb/*', forward)
}
