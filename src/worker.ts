/** Worker entry. */
import { createApp } from './app/create-app'
import type { Bindings } from './app/env'

const app = createApp()

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>
