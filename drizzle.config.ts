// drizzle-kit: `npm run db:generate` writes numbered SQL migrations for worker/db/schema.ts into
// worker/migrations, the flat layout both `wrangler d1 migrations apply` and readD1Migrations read.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './worker/db/schema.ts',
  out: './worker/migrations',
});
