import { defineConfig } from 'drizzle-kit'

// PostgreSQL tables derived from schema/schema.ts (schema/dialects.ts); `npm run db:generate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/pg.ts',
  out: './schema/migrations/pg',
})
