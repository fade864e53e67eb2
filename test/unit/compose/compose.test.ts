/**
 * The production stack without a Docker engine: dclint (the Compose schema and its best-practice
 * rules), then the stack's own rules — dependencies, network, ports, secrets, the environment each app
 * container gets (checked by the app's own loadConfig), healthchecks, limits, restarts, logs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../../src/config.js';
import {
  allStrings,
  COMPOSE_FILE,
  commandOf,
  dependenciesOf,
  environmentOf,
  interpolate,
  loadCompose,
  memoryBytes,
  networksOf,
  parseEnvFile,
  readText,
  variablesIn,
} from './stack.js';

const { compose, raw } = loadCompose();
const services = Object.entries(compose.services);
const envExample = parseEnvFile(readText('compose/.env.example'));
const appVariables = new Set(Object.keys(parseEnvFile(readText('.env.example'))));
const appServices = services.filter(
  ([, s]) => s.image !== undefined && variablesIn(s.image).includes('TP_CAPITAL_IMAGE'),
);
const roleOf = (name: string) => commandOf(compose.services[name]!)[0];
const oneShot = (name: string) => compose.services[name]!.restart === 'no';

/** What a container of this service gets: its environment interpolated with the env-file template. */
function containerEnv(name: string): Record<string, string> {
  const env = environmentOf(compose.services[name]!);
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, interpolate(value, envExample)]));
}

// dclint's bundled type declarations do not resolve under NodeNext: its results are parsed, not trusted.
const lintResults = z.array(
  z.object({ messages: z.array(z.object({ rule: z.string(), message: z.string(), line: z.number() })) }),
);

/** dclint with every rule at its default level (no config file: nothing is switched off). */
function lint(path: string) {
  const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
  return lintResults.parse(linter.lintFiles([path], false));
}

describe('dclint', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tpc-compose-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds no error and no warning in the stack, with every rule on', () => {
    const [result] = lint(COMPOSE_FILE);
    expect(result?.messages.map((m) => `${m.line}: ${m.rule} ${m.message}`)).toEqual([]);
  });

  it('does report a broken compose file (the linter really runs)', () => {
    const broken = join(scratch, 'docker-compose.broken.yml');
    writeFileSync(broken, 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n');
    const [result] = lint(broken);
    expect(result?.messages.map((m) => m.rule)).toEqual(
      expect.arrayContaining(['service-image-require-explicit-tag', 'no-unbound-port-interfaces']),
    );
  });
});

describe('services and dependencies', () => {
  it('has the services of ADR-008 (two ingesters, two API replicas, three sentinels)', () => {
    expect(compose.name).toBe('tp-capital');
    expect(appServices.map(([name]) => `${name}:${roleOf(name)}`).sort()).toEqual([
      'api-1:api',
      'api-2:api',
      'ingest-1:ingest',
      'ingest-2:ingest',
      'migrate:migrate',
    ]);
    for (const name of ['timescaledb', 'pgbouncer', 'redis-master', 'redis-replica', 'nginx']) {
      expect(compose.services[name], name).toBeDefined();
    }
    expect(services.filter(([name]) => name.startsWith('sentinel-'))).toHaveLength(3);
  });

  it('depends only on services that exist, with conditions those services can meet', () => {
    for (const [name, service] of services) {
      for (const [target, condition] of Object.entries(dependenciesOf(service))) {
        const dependency = compose.services[target];
        expect(dependency, `${name} depends on missing ${target}`).toBeDefined();
        if (condition === 'service_healthy') {
          expect(dependency?.healthcheck?.test, `${name} waits for ${target}'s health`).toBeDefined();
          expect(dependency?.healthcheck?.disable).not.toBe(true);
        } else {
          expect(condition, `${name} -> ${target}`).toBe('service_completed_successfully');
          expect(oneShot(target), `${target} must exit for ${name} to start`).toBe(true);
        }
      }
    }
  });

  it('starts the app after the migrations, the pooler and the sentinels', () => {
    for (const [name] of appServices.filter(([n]) => !oneShot(n))) {
      expect(dependenciesOf(compose.services[name]!)).toMatchObject({
        migrate: 'service_completed_successfully',
        pgbouncer: 'service_healthy',
        'sentinel-1': 'service_healthy',
        'sentinel-2': 'service_healthy',
        'sentinel-3': 'service_healthy',
      });
    }
    expect(dependenciesOf(compose.services.migrate!)).toEqual({ timescaledb: 'service_healthy' });
  });

  it('puts every service on tp_capital_backend', () => {
    expect(compose.networks.tp_capital_backend?.name).toBe('tp_capital_backend');
    for (const [name, service] of services) expect(networksOf(service), name).toEqual(['tp_capital_backend']);
  });

  it('publishes exactly the host ports of the ADR, data services on loopback only', () => {
    const published = services.flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name} ${p}`));
    expect(published.sort()).toEqual([
      'nginx 0.0.0.0:4005:4005',
      'pgbouncer 127.0.0.1:6435:6432',
      'redis-master 127.0.0.1:6381:6379',
      'redis-replica 127.0.0.1:6382:6379',
      'timescaledb 127.0.0.1:5435:5432',
    ]);
  });
});

describe('secrets', () => {
  const SECRET_NAME = /PASSWORD|KEY|SECRET|TOKEN|AUTH/;
  const NOT_SECRETS = new Set(['REDIS_KEY_PREFIX']);
  const ONLY_INTERPOLATION = /^\$\{[A-Z0-9_]+(?::?\?[^}]*|:-)?\}$/;

  it('takes every secret-named variable from the env file, with no default', () => {
    const checked = services.flatMap(([name, service]) =>
      Object.entries(environmentOf(service))
        .filter(([key]) => SECRET_NAME.test(key) && !NOT_SECRETS.has(key))
        .map(([key, value]) => [`${name}.${key}`, value] as const),
    );
    expect(checked.length).toBeGreaterThan(10);
    for (const [where, value] of checked) expect(value, where).toMatch(ONLY_INTERPOLATION);
  });

  it('puts no literal password in a URL or on a command line', () => {
    for (const text of allStrings(raw)) {
      for (const [, password] of text.matchAll(/:\/\/[^/\s:@]*:([^@\s]*)@/g)) {
        expect(password, text).toMatch(ONLY_INTERPOLATION);
      }
      for (const [, value] of text.matchAll(/--(?:requirepass|masterauth)\s+(\S+)/g)) {
        expect(value, text).toMatch(/^"?\$\$[A-Z_]+"?$/);
      }
    }
  });

  it('interpolates only variables documented in compose/.env.example, and documents no stale one', () => {
    const used = new Set(allStrings(raw).flatMap(variablesIn));
    expect([...used].filter((v) => !(v in envExample))).toEqual([]);
    expect(Object.keys(envExample).filter((v) => !used.has(v))).toEqual([]);
  });
});

describe('the app containers’ environment', () => {
  const needs: Record<string, string[]> = {
    // roles/api.ts: DATABASE_URL; the stack adds Sentinel, the shared session secret and the proxy.
    api: ['DATABASE_URL', 'REDIS_SENTINELS', 'REDIS_URL', 'SESSION_SECRET', 'TRUST_PROXY'],
    // roles/ingest.ts: DATABASE_URL and TELEGRAM_GATEWAY_URL, or it refuses to start.
    ingest: [
      'DATABASE_URL',
      'REDIS_SENTINELS',
      'REDIS_URL',
      'TELEGRAM_GATEWAY_URL',
      'TELEGRAM_GATEWAY_API_KEY',
    ],
    migrate: ['DATABASE_URL'],
  };
  const sentinelTemplate = readText('compose/redis/sentinel.conf.template');
  const sentinelPort = /^port (\d+)$/m.exec(sentinelTemplate)?.[1];
  const monitoredName = /^sentinel monitor (\S+) /m.exec(sentinelTemplate)?.[1];

  it.each(appServices.map(([name]) => name))(
    '%s passes loadConfig in production with what its role needs',
    (name) => {
      const env = containerEnv(name);
      expect(env.NODE_ENV).toBe('production');
      const config = loadConfig(env);
      for (const key of needs[roleOf(name) ?? ''] ?? ['(unknown role)']) {
        expect(env[key], `${name}: ${key}`).toBeTruthy();
      }
      const unknown = Object.keys(env).filter((key) => !appVariables.has(key) && key !== 'NODE_OPTIONS');
      expect(unknown, `${name} sets variables the app does not read`).toEqual([]);

      const db = new URL(config.DATABASE_URL!);
      expect(db.password).toBe(envExample.TP_CAPITAL_DB_PASSWORD);
      expect(`${db.username}@${db.host}${db.pathname}`).toBe(
        oneShot(name)
          ? 'tp_capital@timescaledb:5432/tp_capital_db'
          : 'tp_capital@pgbouncer:6432/tp_capital_db',
      );
      if (!oneShot(name)) {
        const sentinels = services
          .filter(([n]) => n.startsWith('sentinel-'))
          .map(([n]) => `${n}:${sentinelPort}`);
        expect(config.REDIS_SENTINELS).toEqual(sentinels);
        expect(config.REDIS_SENTINEL_MASTER).toBe(monitoredName);
        expect(new URL(config.REDIS_URL!).password).toBe(envExample.REDIS_PASSWORD);
      }
      if (roleOf(name) === 'api') expect(config.TRUST_PROXY).toBe(true);
    },
  );

  it('is really checked: without the API key, production refuses to start', () => {
    const { TP_CAPITAL_API_KEY: _dropped, ...env } = containerEnv('api-1');
    expect(() => loadConfig(env)).toThrow(ConfigError);
  });

  it('gives PgBouncer and the database the same password as the app’s URL', () => {
    const password = envExample.TP_CAPITAL_DB_PASSWORD;
    expect(containerEnv('pgbouncer').PGBOUNCER_PASSWORD).toBe(password);
    expect(containerEnv('timescaledb').TP_CAPITAL_DB_PASSWORD).toBe(password);
    for (const name of ['redis-master', 'redis-replica', 'sentinel-1']) {
      expect(containerEnv(name).REDIS_PASSWORD, name).toBe(envExample.REDIS_PASSWORD);
    }
  });

  it('fails like docker compose when a required secret is missing from the env file', () => {
    const { SESSION_SECRET: _dropped, ...vars } = envExample;
    expect(() => interpolate(environmentOf(compose.services['api-1']!).SESSION_SECRET!, vars)).toThrow(
      /SESSION_SECRET/,
    );
  });
});

describe('operations', () => {
  it('health-checks every long-running service', () => {
    for (const [name, service] of services.filter(([n]) => !oneShot(n))) {
      const test = service.healthcheck?.test;
      expect(Array.isArray(test) && ['CMD', 'CMD-SHELL'].includes(test[0] ?? ''), name).toBe(true);
      expect(service.healthcheck?.disable, name).not.toBe(true);
    }
  });

  it('limits every service’s CPU and memory, with the ADR’s figures where it gives them', () => {
    for (const [name, service] of services) {
      const limits = service.deploy?.resources.limits;
      expect(Number(limits?.cpus), name).toBeGreaterThan(0);
      expect(memoryBytes(limits?.memory ?? ''), name).toBeGreaterThan(0);
    }
    const limit = (name: string) => compose.services[name]!.deploy!.resources.limits;
    expect(limit('timescaledb')).toMatchObject({ cpus: '2', memory: '4G' });
    for (const name of ['api-1', 'api-2']) expect(limit(name)).toMatchObject({ cpus: '0.5', memory: '512M' });
    for (const name of ['redis-master', 'redis-replica']) {
      expect(Number(limit(name).cpus)).toBe(1);
      expect(memoryBytes(limit(name).memory)).toBeGreaterThanOrEqual(1024 ** 3);
    }
  });

  it('restarts long-running services, not the one-shot migration, and rotates every log', () => {
    for (const [name, service] of services) {
      expect(service.restart, name).toBe(name === 'migrate' ? 'no' : 'unless-stopped');
      expect(service.logging?.driver, name).toBe('json-file');
      expect(service.logging?.options, name).toMatchObject({
        'max-size': expect.any(String),
        'max-file': expect.any(String),
      });
    }
  });

  it('pins every image to a version', () => {
    for (const [name, service] of services.filter(([, s]) => !appServices.some(([, a]) => a === s))) {
      expect(service.image, name).toMatch(/:[v]?\d+(\.\d+)*(-[\w.]+)?$/);
    }
  });

  it('runs the app images read-only, without capabilities', () => {
    for (const [name, service] of appServices) {
      expect(service, name).toMatchObject({ read_only: true, cap_drop: ['ALL'], init: true });
    }
    expect(readFileSync(COMPOSE_FILE, 'utf8')).not.toMatch(/privileged:\s*true/);
  });
});
