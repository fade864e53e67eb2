/** gateway-sim's feeds: a .jsonl file with edits and a deletion, a bad file, the rate, and the demo feed's posts. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoFeed, type DemoPost, demoPosts } from '../../../src/sim/demo-feed.js';
import { createGatewaySim } from '../../../src/sim/gateway-sim.js';
import { messageFrames, openSse } from './sse-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-sim-feed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (value: unknown) => JSON.stringify(value);

describe('a feed file', () => {
  it('is emitted in order; a repeated identity is an edit, status deleted a deletion; missing fields are filled', async () => {
    const path = join(dir, 'feed.jsonl');
    const date = '2025-11-03T13:21:46.000Z';
    await writeFile(
      path,
      [
        line({
          messageId: '5893',
          telegramDate: date,
          text: '🟢Swing Trade\nAtivo: PETRX245\nCompra: 0,82 a 0,86',
        }),
        '',
        line({ messageId: 5894, telegramDate: '2025-11-03T13:25:00Z', text: 'Bom dia!' }),
        line({
          messageId: '5893',
          telegramDate: date,
          text: '🟢Swing Trade\nAtivo: PETRX245\nCompra: 0,80 a 0,86',
        }),
        line({ messageId: '5894', telegramDate: '2025-11-03T13:25:00Z', status: 'deleted' }),
        line({ channelId: '-1009', messageId: '1', telegramDate: date, text: 'outro canal' }),
      ].join('\n'),
    );
    const sim = await createGatewaySim({ feed: path, rate: 0 });
    try {
      expect(sim.control.advanceFeed(100).advanced).toBe(5);
      const { events, counts } = sim.control.emitted();
      expect(events.map((e) => [e.event, e.message?.messageId, e.channelId])).toEqual([
        ['message', '5893', '-1001649127710'],
        ['message', '5894', '-1001649127710'],
        ['message.edited', '5893', '-1001649127710'],
        ['message.deleted', '5894', '-1001649127710'],
        ['message', '1', '-1009'],
      ]);
      expect(counts).toEqual({ total: 5, message: 3, edited: 1, deleted: 1, raw: 0 });
      const first = events[0]?.message;
      expect(first).toMatchObject({
        id: expect.any(String),
        status: 'received',
        telegramDate: date,
        caption: null,
      });
      expect(Number.isNaN(Date.parse(first?.receivedAt ?? ''))).toBe(false);
      expect(sim.control.stats().feed.exhausted).toBe(true);

      // The stream serves the same, with the event names.
      const conn = openSse(`${sim.url}/api/messages/stream?channel=-1001649127710`);
      const frames = messageFrames(await conn.waitFor((f) => messageFrames(f).length === 4));
      conn.close();
      expect(frames.map((f) => f.event)).toEqual(['message', 'message', 'message.edited', 'message.deleted']);
    } finally {
      await sim.close();
    }
  });

  it('refuses to start on a bad line, naming the line', async () => {
    const badJson = join(dir, 'bad-json.jsonl');
    await writeFile(badJson, `${line({ messageId: '1', text: 'ok' })}\n{"messageId": "2", "text": \n`);
    await expect(createGatewaySim({ feed: badJson })).rejects.toThrow(
      /bad-json\.jsonl: line 2: invalid JSON/,
    );

    const badField = join(dir, 'bad-field.jsonl');
    await writeFile(badField, `${line({ messageId: '1' })}\n\n${line({ message_id: '2', text: 'x' })}\n`);
    await expect(createGatewaySim({ feed: badField })).rejects.toThrow(/line 3: .*message_id/);

    const badDate = join(dir, 'bad-date.jsonl');
    await writeFile(badDate, line({ messageId: '1', telegramDate: 'ontem' }));
    await expect(createGatewaySim({ feed: badDate })).rejects.toThrow(/line 1: telegramDate: must be a date/);

    await expect(createGatewaySim({ feed: join(dir, 'missing.jsonl') })).rejects.toThrow(
      /cannot be read \(ENOENT\)/,
    );
  });
});

describe('the feed rate', () => {
  it('emits at the rate, stops when paused and goes on when resumed', async () => {
    const sim = await createGatewaySim({ feed: 'demo', rate: 200 });
    try {
      await expect.poll(() => sim.control.stats().feed.emitted, { timeout: 5000 }).toBeGreaterThanOrEqual(10);
      sim.control.pauseFeed();
      const paused = sim.control.emitted().counts.total;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sim.control.emitted().counts.total).toBe(paused);
      sim.control.resumeFeed();
      await expect.poll(() => sim.control.emitted().counts.total, { timeout: 5000 }).toBeGreaterThan(paused);
      sim.control.setRate(0);
      const stopped = sim.control.emitted().counts.total;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sim.control.emitted().counts.total).toBe(stopped);
    } finally {
      await sim.close();
    }
  });
});

/** What a post looks like from its text alone (the parser is not used: it is tested on its own). */
const content = (p: DemoPost) => p.text ?? p.caption ?? '';
const TICKER =
  /\b[A-Z][A-Z0-9]{3}(?:[A-X]\d{1,3}|\d{1,2})\b|\b(?:WIN|WDO|IND)[A-Z]\d{2}\b|\b(?:WIN|IND)FUT\b/;
// `Ativo: PeTr4` is PETR4: the demo writes a few assets in mixed case.
const looksLikeSignal = (t: string) =>
  TICKER.test(t.toUpperCase()) && /\b(compra|comprar|entrada|buy|venda|vender|sell)\b/i.test(t);
const looksLikeUpdate = (t: string) =>
  /atingido|atingiu o alvo|\bstop\b|stopado|cancelad|ignore o sinal anterior|desconsiderar|encerrad|zerar|saída/i.test(
    t,
  );

describe('the demo feed', () => {
  const posts = demoPosts(1500, { seed: 42 });

  it('is deterministic per seed', () => {
    expect(demoPosts(50, { seed: 42 })).toEqual(posts.slice(0, 50));
    expect(demoPosts(50, { seed: 43 })).not.toEqual(posts.slice(0, 50));
  });

  it('covers signals, updates, comments, greetings, photos, edits and deletions, each looking the part', () => {
    const byKind = new Map<string, DemoPost[]>();
    for (const p of posts) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p]);
    for (const kind of ['signal', 'update', 'comment', 'greeting', 'photo', 'edit', 'delete'] as const) {
      expect(byKind.get(kind)?.length ?? 0, kind).toBeGreaterThan(10);
    }
    for (const p of byKind.get('signal') ?? []) expect(looksLikeSignal(content(p)), content(p)).toBe(true);
    for (const p of byKind.get('update') ?? []) expect(looksLikeUpdate(content(p)), content(p)).toBe(true);
    for (const p of byKind.get('greeting') ?? []) expect(TICKER.test(content(p))).toBe(false);
    for (const p of byKind.get('photo') ?? []) expect(p).toMatchObject({ text: null, mediaType: 'photo' });
    for (const p of byKind.get('delete') ?? []) expect(p.status).toBe('deleted');
  });

  it('writes signals in every format of SIGNAL-FORMAT.md', () => {
    const texts = posts.filter((p) => p.kind === 'signal').map(content);
    const formats: Record<string, RegExp> = {
      canonical:
        /^.{0,3}Swing Trade\n\n(Ativo|Ativa|Papel|Código): \S+\nCompra: .+\nAlvo 1°?: .+\n[\s\S]*Stop: /u,
      dayTrade: /DAY TRADE/,
      futuresAt: /COMPRA (WIN|IND)\w+ @ \d+/,
      sell: /\n(Venda|Vender|Sell): /,
      emojiLabels: /📊 ATIVO: .+\n💰 COMPRA: .+[\s\S]*🛑 STOP: /u,
      oneLine: /^(\w+ \w+ )?ATIVO: \S+ COMPRA: .+ STOP: \S+$/,
      targetsList: /\nAlvos: .+(\/|;|, ).+/,
      scalping: /SCALPING[\s\S]*Compra entre [\d,.]+ e [\d,.]+\nTP1 /,
      english: /Buy: .+\nTarget 1: /,
      unlabelledAsset: /\n[A-Z]{4}[A-X]\d{1,3}\nComprar /,
      alvoFinal: /Alvo final: /,
      alvoGeral: /Alvo geral /,
      objetivo: /Objetivo: /,
      stopLoss: /Stop loss: |Stop-loss: |\nSL /,
      validity: /até dia \d{2}\/\d{2}|Válida até \d{2}\/\d{2}/,
      realSign: /R\$ \d/,
      thousands: /\d{3}\.\d{3}\b/,
      englishDecimals: /: \d+\.\d{2}\b/,
    };
    for (const [name, pattern] of Object.entries(formats)) {
      expect(
        texts.some((t) => pattern.test(t)),
        name,
      ).toBe(true);
    }
    expect(
      texts.some((t) => /(Compra|Comprar|Entrada|Venda|Vender|Sell|COMPRA):? entre \d+,\d+ e \d/.test(t)),
    ).toBe(true);
    const ranges = [' a ', ' à ', ' até ', ' ate ', ' - ', '-', ' – ', ' / ', ' ~ '];
    for (const form of ranges) {
      expect(
        texts.some((t) =>
          new RegExp(`(Compra|Comprar|Entrada|Venda|Vender|Sell|COMPRA):? .*\\d${form}\\d`).test(t),
        ),
        form,
      ).toBe(true);
    }
    // A range written high to low.
    expect(texts.some((t) => /Compra: (\d+,\d+) a (\d+,\d+)/.test(t) && isDescending(t))).toBe(true);
  });

  it('writes updates about assets of earlier signals, and edits and deletions of earlier posts', () => {
    const seenAssets = new Set<string>();
    const seen = new Map<string, DemoPost>();
    let lastMessageId = 0;
    let lastDate = '';
    for (const p of posts) {
      const text = content(p);
      if (p.kind === 'signal')
        for (const m of text.toUpperCase().matchAll(new RegExp(TICKER, 'g'))) seenAssets.add(m[0]);
      if (p.kind === 'update') {
        const named = text.match(TICKER)?.[0];
        if (named) expect(seenAssets.has(named), text).toBe(true);
        else expect(text).toMatch(/ignore o sinal anterior/i);
      }
      if (p.kind === 'edit' || p.kind === 'delete') {
        const original = seen.get(p.messageId);
        expect(original, `${p.kind} of ${p.messageId}`).toBeDefined();
        expect(p.telegramDate).toBe(original?.telegramDate);
        if (p.kind === 'edit') expect(content(p)).not.toBe(content(original as DemoPost));
      } else {
        expect(Number(p.messageId)).toBe(lastMessageId === 0 ? Number(p.messageId) : lastMessageId + 1);
        expect(p.telegramDate >= lastDate).toBe(true);
        lastMessageId = Number(p.messageId);
        lastDate = p.telegramDate;
      }
      seen.set(p.messageId, p);
    }
    expect(demoPosts(3, { seed: 42 }).some((p) => p.text?.includes('\r'))).toBe(false);
  });

  it('dates a live feed by its clock', () => {
    const feed = createDemoFeed({ seed: 1, clock: () => Date.UTC(2026, 0, 2, 10, 0, 0, 750) });
    expect(feed.next().telegramDate).toBe('2026-01-02T10:00:00.000Z');
  });
});

function isDescending(text: string): boolean {
  const m = text.match(/Compra: (\d+),(\d+) a (\d+),(\d+)/);
  return m ? Number(`${m[1]}.${m[2]}`) > Number(`${m[3]}.${m[4]}`) : false;
}
