/**
 * The realistic legacy data set of the migration tests, with the accounting the report must show.
 * Ten canonical signals over four assets; duplicates (a plain re-ingestion, one with `\r\n` and
 * trailing spaces, one re-ingested later with a correction, one far away in id order); checkpoint
 * pseudo-rows; one broken row per reason. Forwarded messages: signal posts (some the same posts as
 * the signals), an update, commentary, a photo-only post, a duplicate and broken rows.
 */
import { BASE_MS, CHANNEL, type MessageSeed, type SignalSeed, signal } from './legacy-fixture.js';

const ASSETS = ['PETRX245', 'VALEK600', 'BOVAW32', 'ITUBL300'];

export interface Dataset {
  signals: SignalSeed[];
  messages: MessageSeed[];
  expect: {
    rows: number;
    identities: number;
    duplicates: number;
    checkpoints: number;
    skipped: Record<string, number>;
    perAsset: Record<string, number>;
    messageRows: number;
    messageVersions: number;
    messageDuplicates: number;
    messageSkipped: Record<string, number>;
  };
}

export function dataset(options: { timestamps?: boolean } = {}): Dataset {
  const stamps = options.timestamps !== false;
  const canonical = Array.from({ length: 10 }, (_, i) => signal(ASSETS[i % ASSETS.length]!, i * 10));
  const [s0, s1, s2, s3] = canonical as [SignalSeed, SignalSeed, SignalSeed, SignalSeed];
  const signals: SignalSeed[] = [
    ...canonical,
    // Re-ingested as it was.
    { ...s0 },
    // Re-ingested with Windows line ends and trailing blanks: the same post once normalised.
    { ...s1, raw_message: `${s1.raw_message?.replace(/\n/g, '\r\n')}  \n` },
    { ts: BASE_MS, channel: CHANNEL, asset: '__checkpoint__', raw_message: null, signal_type: null },
    // Re-ingested a day later by a corrected legacy parser: a new stop; it is the later row, it wins.
    {
      ...s2,
      stop: '0.55',
      ingested_at: new Date(BASE_MS + 86_400_000).toISOString(),
      ...(stamps ? { updated_at: new Date(BASE_MS + 86_400_000).toISOString() } : {}),
    },
    // Broken rows, one per reason.
    signal('PETRX245', 500, { asset: null }),
    signal('PETRX245', 501, { channel: null }),
    signal('PETRX245', 502, { raw_message: null }),
    signal('PETRX245', 503, { ts: null }),
    signal('PETRX245', 504, { ts: Math.floor(BASE_MS / 1000) }), // seconds, not ms: 1970
    signal('PETRX245', 505, { ts: BASE_MS + 10 * 365 * 86_400_000 }), // ten years ahead
    signal('PETRX245', 506, { signal_type: null }),
    signal('PETRX245', 507, { stop: '0,50' }),
    // A re-ingestion of an early post, far later in id order (the next page with small batches).
    { ...s3 },
  ];
  const rows = [...signals];
  // A second checkpoint row at the end, as the legacy writes them.
  rows.push({
    ts: BASE_MS + 999 * 60_000,
    channel: CHANNEL,
    asset: '__checkpoint__',
    raw_message: '',
    signal_type: null,
  });

  const at = (minute: number) => new Date(BASE_MS + minute * 60_000).toISOString();
  const messages: MessageSeed[] = [
    // The same posts as signals 0 and 1: their inbox rows point at the migrated signals.
    { channel_id: CHANNEL, message_id: '1000', message_text: s0.raw_message, original_timestamp: at(0) },
    { channel_id: CHANNEL, message_id: '1001', message_text: s1.raw_message, original_timestamp: at(10) },
    {
      channel_id: CHANNEL,
      message_id: '1002',
      message_text: 'PETRX245 ALVO 1 ATINGIDO +18%',
      original_timestamp: at(15),
    },
    {
      channel_id: CHANNEL,
      message_id: '1003',
      message_text: 'Bom dia pessoal, mercado abrindo em alta',
      original_timestamp: at(16),
    },
    {
      channel_id: CHANNEL,
      message_id: '1004',
      message_text: null,
      original_timestamp: at(17),
      photos: '["photo-1.jpg"]',
    },
    // Forwarded twice.
    {
      channel_id: CHANNEL,
      message_id: '1003',
      message_text: 'Bom dia pessoal, mercado abrindo em alta',
      original_timestamp: at(16),
    },
    { channel_id: null, message_id: '1005', message_text: 'x', original_timestamp: at(18) },
    { channel_id: CHANNEL, message_id: null, message_text: 'y', original_timestamp: at(19) },
    { channel_id: CHANNEL, message_id: '1006', message_text: 'z', original_timestamp: null },
    {
      channel_id: CHANNEL,
      message_id: '1007',
      message_text: 'old',
      original_timestamp: '1999-01-01T00:00:00Z',
    },
  ];
  const perAsset: Record<string, number> = {};
  for (const s of canonical) perAsset[s.asset ?? ''] = (perAsset[s.asset ?? ''] ?? 0) + 1;
  return {
    signals: rows,
    messages,
    expect: {
      rows: rows.length,
      identities: 10,
      duplicates: 4,
      checkpoints: 2,
      skipped: {
        asset_missing: 1,
        channel_missing: 1,
        raw_message_missing: 1,
        ts_missing: 1,
        ts_out_of_range: 2,
        signal_type_missing: 1,
        price_invalid: 1,
      },
      perAsset,
      messageRows: messages.length,
      messageVersions: 5,
      messageDuplicates: 1,
      messageSkipped: {
        channel_id_missing: 1,
        message_id_missing: 1,
        original_timestamp_missing: 1,
        original_timestamp_invalid: 1,
      },
    },
  };
}
