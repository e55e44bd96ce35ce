-- Written by hand (drizzle-kit generate --custom): config lookups on PostgreSQL compare
-- lower(name), as automx2 may have stored domain names in any case (src/db/automx2-data.ts); this
-- index serves that comparison as the unique index serves an exact one. Additive: automx2 ignores it.
CREATE INDEX IF NOT EXISTS "domain_name_lower_idx" ON "domain" (lower("name"));
