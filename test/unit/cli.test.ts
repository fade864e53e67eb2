import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { commands } from '../../src/roles/index.js';

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env: {} });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('tp-capital', () => {
  it('lists every command in its help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of commands) expect(stdout).toContain(`  ${command.name} `);
  });

  it('exits 2 with the usage when no command is given', async () => {
    const { code, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Usage: tp-capital <command>/);
  });

  it('exits 2 naming an unknown command', async () => {
    const { code, stderr } = await run(['serve']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "serve"');
  });

  it.each(commands.map((c) => c.name))('%s --help documents the command', async (name) => {
    const { code, stdout } = await run([name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: tp-capital ${name}\\b`));
    expect(stdout).toContain('--help');
  });

  it.each(commands.map((c) => c.name))('%s rejects an unknown flag with exit 2', async (name) => {
    const { code, stderr } = await run([name, '--no-such-flag']);
    expect(code).toBe(2);
    expect(stderr).toContain('--no-such-flag');
  });

  it('exits 2 naming the variable when the environment is bad', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const err: Buffer[] = [];
    stderr.on('data', (c: Buffer) => err.push(c));
    const code = await main(['status'], {
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: { PORT: 'eighty' },
    });
    expect(code).toBe(2);
    expect(Buffer.concat(err).toString()).toContain('PORT:');
  });
});
