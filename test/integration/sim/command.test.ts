/**
 * `tp-capital gateway-sim` as the CLI runs it (main → runCommand: flags, zod, help, exit codes), serving
 * real HTTP until SIGTERM, and driven by the HTTP control client from the outside.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import type { CommandIo } from '../../../src/roles/command.js';
import { createSimControlClient } from '../../../src/sim/control-client.js';
import { messageFrames, openSse } from './sse-client.js';

function captureIo(env: NodeJS.ProcessEnv = {}): { io: CommandIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return { io: { stdin: new PassThrough(), stdout, stderr, env }, out: () => out, err: () => err };
}

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const capture = captureIo(env);
  return { ...capture, done: main(['gateway-sim', ...argv], capture.io) };
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-sim-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tp-capital gateway-sim', () => {
  it('--help documents every option and exits 0', async () => {
    const { done, out } = run(['--help']);
    expect(await done).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--feed',
      '--rate',
      '--seed',
      '--api-key',
      '--channel',
      '--ping-ms',
      '--help',
    ]) {
      expect(out(), flag).toContain(flag);
    }
    expect(out()).toContain('GATEWAY_SIM_PORT');
    expect(out()).toContain('/__sim/');
  });

  it('exits 2 with a clear message on an unknown flag or a bad value', async () => {
    const unknown = run(['--bogus']);
    expect(await unknown.done).toBe(2);
    expect(unknown.err()).toMatch(/bogus/);

    const badRate = run(['--rate=-1']);
    expect(await badRate.done).toBe(2);
    expect(badRate.err()).toContain('--rate: rate must be 0 or more');

    const badPort = run(['--port', 'abc']);
    expect(await badPort.done).toBe(2);
    expect(badPort.err()).toContain('--port: port must be a number');

    // A channel id starts with a dash: without '=' the parser cannot tell it from a flag, and says so.
    const dashed = run(['--channel', '-1001649127710']);
    expect(await dashed.done).toBe(2);
    expect(dashed.err()).toContain("'--channel=-XYZ'");

    const badChannel = run(['--channel', 'tp-capital']);
    expect(await badChannel.done).toBe(2);
    expect(badChannel.err()).toContain('numeric Telegram channel id');
  });

  it('exits 2 before serving when a feed line is bad, naming the line', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"messageId": "1", "text": "ok"}\n{"messageId": "2", "text": 5}\n');
    const port = await freePort();
    const { done, err } = run(['--feed', path, '--port', String(port)]);
    expect(await done).toBe(2);
    expect(err()).toMatch(/bad\.jsonl: line 2: text: /);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('serves the contract and the control API until SIGTERM, then ends its streams and exits 0', async () => {
    const { done, out, err } = run(
      ['--port', '0', '--feed', 'none', '--api-key', 'k1', '--channel=-1004242'],
      {
        LOG_LEVEL: 'info',
      },
    );
    await expect.poll(() => out() + err(), { timeout: 10_000 }).toContain('gateway-sim listening');
    const url = (JSON.parse(out().split('\n')[0] ?? '{}') as { url: string }).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const stream = openSse(`${url}/api/messages/stream?channel=-1004242`, { Authorization: 'Bearer k1' });
    expect((await stream.response).status).toBe(200);

    const control = createSimControlClient(url);
    const [injected] = await control.inject({ messageId: '77', text: 'Bom dia!' });
    expect(injected).toMatchObject({ event: 'message', channelId: '-1004242', message: { messageId: '77' } });
    const frames = messageFrames(await stream.waitFor((f) => messageFrames(f).length === 1));
    expect(frames[0]?.id).toBe(injected?.cursor);

    const report = await control.emitted();
    expect(report.counts.total).toBe(1);
    expect(report.events[0]?.emittedAt).toBeGreaterThan(Date.now() - 60_000);
    expect((await control.stats()).openStreams).toBe(1);
    await expect(control.failNext(-1)).rejects.toThrow(/400/);
    await expect(control.inject({ messageId: '78', bogus: true } as never)).rejects.toThrow(/400.*bogus/);

    process.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(0);
    await stream.closed;
    expect(out()).toContain('gateway-sim closed');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
