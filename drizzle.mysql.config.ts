import { defineConfig } from 'drizzle-kit'

// MySQL/MariaDB tables derived from schema/schema.ts (schema/dialects.ts); `npm run db:generate`.
export default defineConfig({
  dialect: 'mysql',
  schema: './schema/mysql.ts',
  out: './schema/migrations/mysql',
})
