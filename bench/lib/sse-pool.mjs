/** SSE clients spread over a few child processes (bench/sse-clients.mjs), driven over IPC. */
import { resolve } from 'node:path';
import { ROOT, spawnNode, stop } from './procs.mjs';

function request(proc, message, answer) {
  return new Promise((resolveAnswer, reject) => {
    const onMessage = (msg) => {
      if (msg.type !== answer) return;
      proc.child.off('message', onMessage);
      proc.child.off('exit', onExit);
      resolveAnswer(msg);
    };
    const onExit = (code) => reject(new Error(`sse client process exited (${code}):\n${proc.tail()}`));
    proc.child.on('message', onMessage);
    proc.child.once('exit', onExit);
    if (!proc.child.connected) {
      onExit(proc.child.exitCode);
      return;
    }
    proc.child.send(message);
  });
}

export async function openSsePool(url, total, processes) {
  const procs = Array.from({ length: processes }, () =>
    spawnNode(
      resolve(ROOT, 'bench/sse-clients.mjs'),
      [],
      {},
      { ipc: true, nodeArgs: ['--max-old-space-size=512'] },
    ),
  );
  // A dead child is reported by the next request; an 'error' event must not crash the bench.
  for (const proc of procs) proc.child.on('error', () => undefined);
  const per = Math.ceil(total / processes);
  const answers = await Promise.all(
    procs.map((proc, i) =>
      request(
        proc,
        { type: 'connect', url, count: Math.min(per, total - i * per), concurrency: 50 },
        'connected',
      ),
    ),
  );
  const connected = answers.reduce((sum, a) => sum + a.ok, 0);
  const failed = answers.reduce((sum, a) => sum + a.failed, 0);
  return {
    connected,
    failed,
    /** How many deliveries of these message ids the clients have received so far. */
    async count(ids) {
      const parts = await Promise.all(procs.map((proc) => request(proc, { type: 'count', ids }, 'counted')));
      return parts.reduce((sum, part) => sum + part.received, 0);
    },
    /** Receive times by message_id over every client, plus duplicates and closed streams. */
    async collect(reset = true) {
      const parts = await Promise.all(
        procs.map((proc) => request(proc, { type: 'collect', reset }, 'collected')),
      );
      const times = new Map();
      let dupes = 0;
      let closed = 0;
      for (const part of parts) {
        dupes += part.dupes;
        closed += part.closed;
        for (const [id, list] of Object.entries(part.times)) {
          const all = times.get(id);
          if (all) all.push(...list);
          else times.set(id, list);
        }
      }
      return { times, dupes, closed };
    },
    async close() {
      for (const proc of procs) if (proc.child.connected) proc.child.send({ type: 'close' });
      await Promise.all(procs.map((proc) => stop(proc, 2000)));
    },
  };
}
