/**
 * A CLI command: its flags (node:util parseArgs), a zod schema over their values, help text and a run
 * function. `runCommand` turns bad usage into a clear message and exit code 2.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The environment handed to loadConfig(): a literal in tests; absent, loadConfig reads the real one. */
  env?: NodeJS.ProcessEnv;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command<S extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  /** Full help: usage line, options, examples. Printed by `--help`. */
  help: string;
  options: Options;
  /** Validates the parsed flags (string | boolean values, keyed by flag name). */
  schema: S;
  allowPositionals?: boolean;
  run(args: z.output<S>, io: CommandIo, positionals: string[]): Promise<number>;
}

export function defineCommand<S extends z.ZodType>(command: Command<S>): Command<S> {
  return command;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export async function runCommand(command: Command, argv: string[], io: CommandIo): Promise<number> {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`tp-capital ${command.name}: ${(error as Error).message}\n\n${command.help}\n`);
    return EXIT_USAGE;
  }
  if (values.help) {
    io.stdout.write(`${command.help}\n`);
    return EXIT_OK;
  }
  const { help: _help, ...flags } = values;
  const parsed = command.schema.safeParse(flags);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  --${i.path.join('.') || '?'}: ${i.message}`)
      .join('\n');
    io.stderr.write(
      `tp-capital ${command.name}: invalid option\n${problems}\n\nSee: tp-capital ${command.name} --help\n`,
    );
    return EXIT_USAGE;
  }
  try {
    return await command.run(parsed.data, io, positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tp-capital ${command.name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
