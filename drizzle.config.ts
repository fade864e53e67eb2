import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs src/store/schema/ against drizzle/ and writes the next migration.
// Generation needs no database; `tp-capital migrate` applies the result.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema/index.ts',
  out: './drizzle',
  schemaFilter: ['signals', 'forwarded_messages', 'metrics'],
});
