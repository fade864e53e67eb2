/**
 * The demo feed: an endless, deterministic (per seed) sequence of TP Capital posts — signals in every
 * format, lifecycle updates about earlier signals (target hits, stops, cancellations, closes),
 * commentary, greetings, photos with captions, edits and deletions of earlier posts. Message ids are
 * increasing integers; Telegram dates never go back.
 */
import { correctSignal, makeSignal, renderSignal, type SignalSpec } from './demo-signals.js';
import { brl, comment, createRng, GREETINGS, PHOTO_CAPTIONS, pct, type Rng } from './demo-text.js';
import { telegramDateOf } from './sim-message.js';

export const DEMO_KINDS = ['signal', 'update', 'comment', 'greeting', 'photo', 'edit', 'delete'] as const;
export type DemoKind = (typeof DEMO_KINDS)[number];

/** A post as the gateway would carry it (the sim fills the rest), plus what the generator meant by it. */
export interface DemoPost {
  kind: DemoKind;
  messageId: string;
  telegramDate: string;
  text: string | null;
  caption: string | null;
  mediaType: string | null;
  mediaRefs: unknown[];
  status?: 'deleted';
}

export interface DemoFeedOptions {
  seed?: number;
  /** First message id (default 5893). */
  firstMessageId?: number;
  /** Date of the first post in ms (default 2025-11-03 12:00 UTC); later posts follow 5 s – 10 min apart. */
  start?: number;
  /** When given, posts are dated by this clock instead (never going back): a live feed. */
  clock?: () => number;
}

export interface DemoFeed {
  next(): DemoPost;
}

interface OpenSignal {
  spec: SignalSpec;
  messageId: string;
  /** The next numbered target to be hit (1-based). */
  nextTarget: number;
}

/** A post an edit or a deletion can refer to. */
interface PastPost {
  post: DemoPost;
  signal: SignalSpec | null;
}

const RECENT = 25;

function mid(spec: SignalSpec): number {
  return (spec.buyMin + spec.buyMax) / 2;
}

function gainPct(spec: SignalSpec, price: number): number {
  const dir = spec.side === 'buy' ? 1 : -1;
  return (price / mid(spec) - 1) * 100 * dir;
}

function targetHitText(rng: Rng, asset: string, target: number | 'final', gain: number): string {
  const label = target === 'final' ? 'FINAL' : String(target);
  const forms = [
    () => `${asset} ALVO ${label} ATINGIDO ✅\n${pct(gain)}`,
    () => `✅ Alvo ${label.toLowerCase()} atingido no ${asset} 🚀\n${pct(gain)}`,
  ];
  // "atingiu o alvo N" is a numbered form only (SIGNAL-FORMAT.md).
  if (target !== 'final') forms.push(() => `${asset} atingiu o alvo ${label} 🎯 ${pct(gain)}`);
  return rng.pick(forms)();
}

function stopText(rng: Rng, asset: string, loss: number): string {
  return rng.pick([
    () => `${asset} stop\n${pct(loss)}`,
    () => `${asset} stopado ❌ ${pct(loss)}`,
    () => `${asset} STOP ATINGIDO\n${pct(loss)}`,
  ])();
}

function cancelText(rng: Rng, asset: string): string {
  return rng.pick([
    () => `${asset}\nOperação cancelada ⚠️`,
    () => `⚠️ ${asset} — operação cancelada, a ordem não foi executada.`,
    () => `Desconsiderar o sinal de ${asset}.`,
  ])();
}

function closeText(rng: Rng, spec: SignalSpec, gain: number): string {
  return rng.pick([
    () => `${spec.asset} zerar posição 💰 ${pct(gain)}`,
    () => `Operação encerrada em ${spec.asset} ${pct(gain)}`,
    () => `Saída total do ${spec.asset} a ${brl(mid(spec) * (1 + gain / 100))}`,
  ])();
}

export function createDemoFeed(options: DemoFeedOptions = {}): DemoFeed {
  const rng = createRng(options.seed ?? 1);
  let nextId = options.firstMessageId ?? 5893;
  let lastDate = options.clock ? 0 : (options.start ?? Date.UTC(2025, 10, 3, 12, 0, 0));
  let open: OpenSignal[] = [];
  let recent: PastPost[] = [];
  let lastSignalId: string | null = null;

  function nextDate(): string {
    lastDate = options.clock
      ? Math.max(lastDate, Math.floor(options.clock() / 1000) * 1000)
      : lastDate + rng.int(5, 600) * 1000;
    return telegramDateOf(lastDate);
  }

  function post(
    kind: DemoKind,
    content: { text?: string | null; caption?: string | null; photo?: boolean },
  ): DemoPost {
    const id = String(nextId);
    nextId += 1;
    return {
      kind,
      messageId: id,
      telegramDate: nextDate(),
      text: content.text ?? null,
      caption: content.caption ?? null,
      mediaType: content.photo ? 'photo' : null,
      mediaRefs: content.photo ? [{ type: 'photo', fileId: `AgACAgEAAx0C${id}` }] : [],
    };
  }

  function remember(entry: PastPost): void {
    recent.push(entry);
    if (recent.length > RECENT) recent = recent.slice(-RECENT);
  }

  function signal(): DemoPost {
    const spec = makeSignal(rng, lastDate || Date.now());
    const text = renderSignal(spec);
    // Now and then a signal comes as a photo of the chart with the signal in the caption.
    const asPhoto = rng.chance(0.08);
    const p = post('signal', asPhoto ? { caption: text, photo: true } : { text });
    open.push({ spec, messageId: p.messageId, nextTarget: 1 });
    lastSignalId = p.messageId;
    remember({ post: p, signal: spec });
    return p;
  }

  function close(target: OpenSignal): void {
    open = open.filter((o) => o !== target);
  }

  function update(): DemoPost {
    const latest = open[open.length - 1];
    // "ignore o sinal anterior" names no asset: it applies to the channel's latest signal.
    if (latest && latest.messageId === lastSignalId && latest.nextTarget === 1 && rng.chance(0.08)) {
      close(latest);
      return post('update', {
        text: rng.pick(['⚠️ ignore o sinal anterior', 'Pessoal, ignore o sinal anterior 🙏']),
      });
    }
    // Older signals get their news first, as trades resolve roughly in order.
    const target = open[
      Math.min(open.length - 1, Math.floor(rng.next() * rng.next() * open.length))
    ] as OpenSignal;
    const { spec } = target;
    const roll = rng.next();
    let text: string;
    if (roll < 0.55) {
      const numbered = spec.targets[target.nextTarget - 1];
      if (numbered !== undefined) {
        text = targetHitText(rng, spec.asset, target.nextTarget, gainPct(spec, numbered));
        target.nextTarget += 1;
        if (target.nextTarget > spec.targets.length && spec.final === null) close(target);
      } else {
        text = targetHitText(rng, spec.asset, 'final', gainPct(spec, spec.final ?? mid(spec)));
        close(target);
      }
    } else if (roll < 0.75) {
      text = stopText(rng, spec.asset, -Math.abs(gainPct(spec, spec.stop)));
      close(target);
    } else if (roll < 0.87) {
      text = cancelText(rng, spec.asset);
      close(target);
    } else {
      text = closeText(rng, spec, rng.int(-1500, 4000) / 100);
      close(target);
    }
    return post('update', { text });
  }

  function edit(): DemoPost | null {
    const candidates = recent.filter(
      (r) => r.post.status === undefined && (r.signal !== null || r.post.kind === 'comment'),
    );
    const past = candidates[candidates.length - 1 - Math.floor(rng.next() * Math.min(candidates.length, 8))];
    if (!past) return null;
    let text: string;
    if (past.signal) {
      past.signal = correctSignal(rng, past.signal);
      const still = open.find((o) => o.messageId === past.post.messageId);
      if (still) still.spec = past.signal;
      text = renderSignal(past.signal);
    } else {
      text = `${past.post.text ?? ''} (editado)`;
    }
    const onCaption = past.post.text === null;
    past.post = { ...past.post, text: onCaption ? null : text, caption: onCaption ? text : null };
    return { ...past.post, kind: 'edit' };
  }

  function deletion(): DemoPost | null {
    const candidates = recent.filter((r) => r.post.status === undefined);
    const past = candidates[candidates.length - 1 - Math.floor(rng.next() * Math.min(candidates.length, 10))];
    if (!past) return null;
    const still = open.find((o) => o.messageId === past.post.messageId);
    if (still) close(still);
    past.post = { ...past.post, status: 'deleted' };
    return { ...past.post, kind: 'delete' };
  }

  function other(roll: number): DemoPost {
    if (roll < 0.55) {
      const asset = open.length > 0 && rng.chance(0.5) ? rng.pick(open).spec.asset : null;
      const p = post('comment', { text: comment(rng, asset) });
      remember({ post: p, signal: null });
      return p;
    }
    if (roll < 0.75) return post('greeting', { text: rng.pick(GREETINGS) });
    // A photo without any caption is the gateway's "neither text nor caption" case.
    const caption = rng.chance(0.1) ? null : rng.pick(PHOTO_CAPTIONS);
    const p = post('photo', { caption, photo: true });
    remember({ post: p, signal: null });
    return p;
  }

  return {
    next() {
      const roll = rng.next();
      if (roll < 0.3 || (open.length === 0 && roll < 0.6)) return signal();
      if (roll < 0.58 && open.length > 0) return update();
      if (roll < 0.66) return edit() ?? signal();
      if (roll < 0.7) return deletion() ?? signal();
      return other(rng.next());
    },
  };
}

/** The first `count` posts of a feed: for tests, fixtures and benchmarks. */
export function demoPosts(count: number, options: DemoFeedOptions = {}): DemoPost[] {
  const feed = createDemoFeed(options);
  return Array.from({ length: count }, () => feed.next());
}
