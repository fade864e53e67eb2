/**
 * Secrets of the zero-config start, generated on the first start and kept in DATA_DIR/secrets.json
 * (mode 0600): the API key printed at startup, the session-cookie secret, the embedded database's
 * password. Configured values (TP_CAPITAL_API_KEY, SESSION_SECRET) take precedence over them.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({
  apiKey: z.string().min(16),
  sessionSecret: z.string().min(32),
  postgresPassword: z.string().min(16),
});
export type StartSecrets = z.infer<typeof secretsSchema>;

export async function loadOrCreateSecrets(dataDir: string): Promise<StartSecrets> {
  const file = join(dataDir, 'secrets.json');
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing !== null) {
    let json: unknown = null;
    try {
      json = JSON.parse(existing);
    } catch {
      // reported below with the schema's failure
    }
    const parsed = secretsSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`${file} is not a valid secrets file: remove it to generate a new one`);
    return parsed.data;
  }
  const secrets: StartSecrets = {
    apiKey: `tpc_${randomBytes(18).toString('base64url')}`,
    sessionSecret: randomBytes(32).toString('base64url'),
    postgresPassword: randomBytes(18).toString('base64url'),
  };
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}
