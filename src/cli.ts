/** The one entry point: reads argv, runs a role. Returns the exit code. */
import { ConfigError } from './config.js';
import { type CommandIo, EXIT_FAILURE, EXIT_USAGE, runCommand } from './roles/command.js';
import { commands } from './roles/index.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: tp-capital <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tp-capital <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(
  argv: string[],
  io: CommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${usage()}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`tp-capital: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT_USAGE;
  }
  try {
    return await runCommand(command, rest, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`tp-capital ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`tp-capital ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_FAILURE;
  }
}
