/**
 * The files the stack mounts and builds from: the nginx front (SSE settings, the canary weights script
 * run for real with sh), PgBouncer's config, the Redis and Sentinel settings, the database init script,
 * the shell scripts' syntax, and the app's Dockerfile.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_DIR, commandOf, environmentOf, loadCompose, ROOT, readText } from './stack.js';

const { compose } = loadCompose();
const service = (name: string) => compose.services[name]!;
const WEIGHTS_SCRIPT = join(COMPOSE_DIR, 'nginx/15-tpc-canary-weights.envsh');

/** The `<head> { ... }` block of the nginx template (the blocks looked at hold no braces inside). */
function block(text: string, head: string): string {
  const start = text.indexOf(`${head} {`);
  expect(start, head).toBeGreaterThanOrEqual(0);
  return text.slice(start, text.indexOf('}', start));
}

function canaryWeights(newWeight: string, legacyWeight: string) {
  const result = spawnSync('sh', ['-c', '. "$0" && env', WEIGHTS_SCRIPT], {
    env: { PATH: process.env.PATH, CANARY_NEW_WEIGHT: newWeight, CANARY_LEGACY_WEIGHT: legacyWeight },
    encoding: 'utf8',
  });
  const vars = Object.fromEntries(
    result.stdout
      .split('\n')
      .filter((line) => line.startsWith('TPC_'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status, stderr: result.stderr, vars };
}

describe('nginx front', () => {
  const template = readText('compose/nginx/templates/tp-capital.conf.template');
  const serverLevel = template.slice(template.indexOf('server {'), template.indexOf('location'));
  const stream = block(template, 'location = /signals/stream');

  it('streams /signals/stream unbuffered, uncached, uncompressed, open beyond the 15 s ping', () => {
    expect(stream).toMatch(/proxy_buffering off;/);
    expect(stream).toMatch(/proxy_cache off;/);
    expect(stream).toMatch(/gzip off;/);
    const timeout = /proxy_read_timeout (\d+)([smh]);/.exec(stream);
    expect(timeout).not.toBeNull();
    const seconds = Number(timeout![1]) * { s: 1, m: 60, h: 3600 }[timeout![2] as 's' | 'm' | 'h'];
    expect(seconds).toBeGreaterThan(15 * 4);
    // HTTP/1.1 with keep-alive to the upstream, inherited from the server level: a proxy_set_header in
    // the location would silently drop every inherited header, Connection "" included.
    expect(serverLevel).toMatch(/proxy_http_version 1\.1;/);
    expect(serverLevel).toMatch(/proxy_set_header Connection "";/);
    expect(stream).not.toMatch(/proxy_set_header|proxy_http_version/);
    expect(readText('compose/nginx/nginx.conf')).toMatch(/^\s*gzip off;/m);
  });

  it('splits request by request (no stickiness) and sends the stream to the new API only', () => {
    expect(template).not.toMatch(/^\s*(ip_hash|hash|sticky)\b/m);
    expect(stream).toMatch(/proxy_pass http:\/\/tpc_new;/);
    expect(block(template, 'location /')).toMatch(/proxy_pass http:\/\/tpc_canary;/);
  });

  it('renders from variables the container has: the env file’s and the weights script’s', () => {
    const env = environmentOf(service('nginx'));
    const filter = new RegExp(env.NGINX_ENVSUBST_FILTER ?? '(none)');
    const used = [...new Set([...template.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!))];
    const exported = Object.keys(canaryWeights('90', '10').vars);
    for (const name of used) {
      expect(filter.test(name), `${name} passes NGINX_ENVSUBST_FILTER`).toBe(true);
      expect(name in env || exported.includes(name), `${name} is set`).toBe(true);
    }
  });

  it('reloads with the same weights script and templates the container was started with', () => {
    const volumes = service('nginx').volumes ?? [];
    const target = (source: string) => volumes.find((v) => v.startsWith(`${source}:`))?.split(':')[1];
    const reload = readText('compose/nginx/canary-reload.sh');
    expect(reload).toContain(`. ${target('./nginx/15-tpc-canary-weights.envsh')}`);
    expect(target('./nginx/templates')).toBe('/etc/nginx/templates');
    expect(target('./nginx/canary-reload.sh')).toBe('/usr/local/bin/canary-reload');
    expect(reload).toMatch(/nginx -t\nnginx -s reload/);
  });

  it.each([
    ['90', '10', 0.9],
    ['10', '90', 0.1],
    ['50', '50', 0.5],
    ['100', '0', 1],
    ['0', '100', 0],
  ])(
    'turns weights new %s / legacy %s into a %s share for the new replicas',
    (newWeight, legacyWeight, share) => {
      const { status, vars } = canaryWeights(newWeight, legacyWeight);
      expect(status).toBe(0);
      const values: Record<string, string> = {
        ...vars,
        CANARY_NEW_WEIGHT: newWeight,
        CANARY_LEGACY_WEIGHT: legacyWeight,
        LEGACY_API_UPSTREAM: 'host.docker.internal:4006',
      };
      const rendered = template.replace(
        /\$\{([A-Z0-9_]+)\}/g,
        (_m, name: string) => values[name] ?? `<unset ${name}>`,
      );
      expect(rendered).not.toMatch(/<unset|\$\{/);
      const servers = [
        ...block(rendered, 'upstream tpc_canary').matchAll(/server (\S+) .*weight=(\d+) ?(down)?;/g),
      ];
      expect(servers.map((m) => m[1])).toEqual(['api-1:4005', 'api-2:4005', 'host.docker.internal:4006']);
      const live = (m: RegExpMatchArray) => (m[3] === 'down' ? 0 : Number(m[2]));
      const toNew = live(servers[0]!) + live(servers[1]!);
      expect(toNew / (toNew + live(servers[2]!))).toBeCloseTo(share, 5);
    },
  );

  it.each([
    ['0', '0'],
    ['101', '0'],
    ['ten', '90'],
    ['', '90'],
    ['08', '92'],
  ])('refuses weights new "%s" / legacy "%s", which would stop the container', (newWeight, legacyWeight) => {
    const { status, stderr } = canaryWeights(newWeight, legacyWeight);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/canary weights/);
  });
});

describe('PgBouncer', () => {
  const ini = readText('compose/pgbouncer/pgbouncer.ini');
  const setting = (key: string) => new RegExp(`^${key}\\s*=\\s*(.*)$`, 'm').exec(ini)?.[1]?.trim();

  it('pools transactions (>= 1.21 for prepared statements) for tp_capital_db on TimescaleDB', () => {
    expect(setting('pool_mode')).toBe('transaction');
    expect(Number(setting('max_prepared_statements'))).toBeGreaterThan(0);
    const [major, minor] = (/:v?(\d+)\.(\d+)/.exec(service('pgbouncer').image ?? '') ?? [])
      .slice(1)
      .map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(121);
    expect(setting('tp_capital_db')).toBe('host=timescaledb port=5432 dbname=tp_capital_db');
    expect(service('pgbouncer').ports).toEqual([`127.0.0.1:6435:${setting('listen_port')}`]);
  });

  it('authenticates against the file its start script writes from the environment', () => {
    expect(setting('auth_type')).toBe('scram-sha-256');
    expect(readText('compose/pgbouncer/start.sh')).toContain(`> ${setting('auth_file')}`);
    expect(ini).not.toMatch(/password\s*=/i);
  });
});

describe('Redis, Sentinel and TimescaleDB', () => {
  const redisArgs = (name: string) => commandOf(service(name)).join(' ').replace(/\s+/g, ' ');
  const sentinelConf = readText('compose/redis/sentinel.conf.template');

  it('runs the master as the ADR sets it: a 1 GB LRU cache without persistence', () => {
    for (const name of ['redis-master', 'redis-replica']) {
      for (const arg of [
        '--maxmemory 1gb',
        '--maxmemory-policy allkeys-lru',
        '--save ""',
        '--appendonly no',
      ]) {
        expect(redisArgs(name), name).toContain(arg);
      }
    }
    expect(redisArgs('redis-replica')).toContain('--replicaof redis-master 6379 --replica-read-only yes');
  });

  it('has three sentinels with a majority quorum on the master, names resolved before use', () => {
    const monitor = /^sentinel monitor (\S+) (\S+) (\d+) (\d+)$/m.exec(sentinelConf);
    expect(monitor?.slice(2)).toEqual(['redis-master', '6379', '2']);
    expect(sentinelConf.indexOf('sentinel resolve-hostnames yes')).toBeLessThan(
      sentinelConf.indexOf('sentinel monitor'),
    );
    expect(sentinelConf).not.toMatch(/^sentinel auth-pass/m);
    expect(readText('compose/redis/sentinel-start.sh')).toContain(`sentinel auth-pass ${monitor?.[1]}`);
    for (const name of ['sentinel-1', 'sentinel-2', 'sentinel-3']) {
      expect(service(name).volumes?.[0], name).toBe(`${name}-data:/data`);
    }
  });

  it('initialises tp_capital_db on pg16 with a non-superuser app role and its settings', () => {
    expect(service('timescaledb').image).toMatch(/^timescale\/timescaledb:[\d.]+-pg16$/);
    expect(environmentOf(service('timescaledb')).POSTGRES_DB).toBe('tp_capital_db');
    expect(service('timescaledb').volumes).toContain(
      './timescaledb/init-tp-capital.sh:/docker-entrypoint-initdb.d/100-tp-capital.sh:ro',
    );
    const init = readText('compose/timescaledb/init-tp-capital.sh');
    expect(init).toMatch(/CREATE ROLE tp_capital LOGIN PASSWORD :'password';/);
    expect(init).toMatch(/ALTER ROLE tp_capital SET statement_timeout/);
    expect(init).not.toMatch(/SUPERUSER/);
  });
});

describe('mounted files and scripts', () => {
  const mounts = Object.values(compose.services).flatMap((s) =>
    (s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => v.split(':')[0]!),
  );

  it('mounts only files that exist', () => {
    expect(mounts.length).toBeGreaterThan(8);
    for (const source of mounts) expect(existsSync(join(COMPOSE_DIR, source)), source).toBe(true);
  });

  it.each([
    'nginx/15-tpc-canary-weights.envsh',
    'nginx/canary-reload.sh',
    'pgbouncer/start.sh',
    'redis/sentinel-start.sh',
    'timescaledb/init-tp-capital.sh',
  ])(
    // Executable: nginx's entrypoint ignores an .envsh without the x bit.
    '%s is valid sh and executable',
    (script) => {
      const path = join(COMPOSE_DIR, script);
      expect(() => execFileSync('sh', ['-n', path])).not.toThrow();
      expect(statSync(path).mode & 0o111).not.toBe(0);
    },
  );
});

describe('Dockerfile', () => {
  const dockerfile = readText('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds in one stage and runs production dependencies only in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages[0]).toMatch(/npm ci [^\n]*--ignore-scripts/);
    expect(stages[0]).toMatch(/npm run build/);
    expect(runtime).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(runtime).toMatch(/npm ci [^\n]*--ignore-scripts/);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    for (const dir of ['bin', 'drizzle'])
      expect(runtime).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('runs as a non-root user with the CLI as entrypoint, the API by default, and a healthcheck', () => {
    const user = /^USER (\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "bin\/tp-capital\.js"\]$/m);
    expect(runtime).toMatch(/^CMD \["api"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignored = readText('.dockerignore').split('\n');
    for (const entry of ['.git', 'node_modules', 'dist', 'data', 'test', '.env', 'compose']) {
      expect(ignored, entry).toContain(entry);
    }
    expect(existsSync(join(ROOT, 'drizzle/meta/_journal.json'))).toBe(true);
  });
});
