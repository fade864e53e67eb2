/**
 * Reads the production stack (compose/) for the tests that stand in for a Docker engine: the compose
 * file parsed and typed, the env-file template, and Compose's variable interpolation, so that each
 * service's environment can be seen exactly as a container would get it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const COMPOSE_DIR = join(ROOT, 'compose');
export const COMPOSE_FILE = join(COMPOSE_DIR, 'docker-compose.tp-capital-stack.yml');

const stringList = z.array(z.string());
const command = z.union([z.string(), stringList]);

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  depends_on: z
    .union([stringList, z.record(z.string(), z.looseObject({ condition: z.string() }))])
    .optional(),
  environment: z
    .union([z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), stringList])
    .optional(),
  ports: stringList.optional(),
  networks: z.union([stringList, z.record(z.string(), z.unknown())]).optional(),
  volumes: stringList.optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  restart: z.string().optional(),
  healthcheck: z.looseObject({ test: command.optional(), disable: z.boolean().optional() }).optional(),
  deploy: z
    .looseObject({
      resources: z.looseObject({
        limits: z.looseObject({ cpus: z.union([z.string(), z.number()]), memory: z.string() }),
      }),
    })
    .optional(),
  logging: z.looseObject({ driver: z.string(), options: z.record(z.string(), z.string()) }).optional(),
  user: z.string().optional(),
});

const composeSchema = z.looseObject({
  name: z.string(),
  services: z.record(z.string(), serviceSchema),
  networks: z.record(z.string(), z.looseObject({ name: z.string().optional() })),
  volumes: z.record(z.string(), z.unknown()).optional(),
});

export type Service = z.infer<typeof serviceSchema>;
export type Compose = z.infer<typeof composeSchema>;

export function readText(relativePath: string): string {
  return readFileSync(join(ROOT, relativePath), 'utf8');
}

/** The compose file with YAML merge keys (`<<`) resolved, as Compose itself reads it. */
export function loadCompose(text = readFileSync(COMPOSE_FILE, 'utf8')): { compose: Compose; raw: unknown } {
  const raw: unknown = parse(text, { merge: true });
  return { compose: composeSchema.parse(raw), raw };
}

/** A dotenv file as Compose reads it: KEY=VALUE lines, quotes, ` #` comments after unquoted values. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match) continue;
    const value = match[2]!.trim();
    const quoted = /^(['"])(.*)\1/.exec(value);
    vars[match[1]!] = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '');
  }
  return vars;
}

// $$ (a literal $), ${NAME}, ${NAME<op>arg} with op one of :- - :? ? :+ +, or $NAME.
const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose's interpolation of one string; throws like `docker compose` on an unset `${NAME:?msg}`. */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(VARIABLE, (match, braced?: string, op?: string, arg = '', bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = vars[name];
    const isSet = value !== undefined;
    const nonEmpty = isSet && value !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? value : arg;
      case '-':
        return isSet ? value : arg;
      case ':?':
        if (!nonEmpty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
        return value;
      case '?':
        if (!isSet) throw new Error(`required variable ${name} is missing: ${arg}`);
        return value;
      case ':+':
        return nonEmpty ? arg : '';
      case '+':
        return isSet ? arg : '';
      default:
        return value ?? '';
    }
  });
}

/** Names of the variables a string interpolates (`$$NAME` is a literal, not a variable). */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE)].flatMap((m) => (m[0] === '$$' ? [] : [(m[1] ?? m[4])!]));
}

/** Every string anywhere in a parsed YAML value (keys excluded). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** A service's environment as a plain map of strings (list or map form, numbers and booleans as Compose writes them). */
export function environmentOf(service: Service): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((item) => {
        const at = item.indexOf('=');
        return at === -1 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

export function dependenciesOf(service: Service): Record<string, string> {
  const deps = service.depends_on;
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

export function networksOf(service: Service): string[] {
  const networks = service.networks;
  if (!networks) return [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

export function commandOf(service: Service): string[] {
  const cmd = service.command;
  if (cmd === undefined) return [];
  return typeof cmd === 'string' ? [cmd] : cmd;
}

/** Compose memory strings (512M, 4G, 1536m) in bytes. */
export function memoryBytes(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a memory size: ${value}`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase()] ?? Number.NaN;
  return Number(match[1]) * unit;
}
