/** A valid SignalEvent with a given seq, for the bus tests (unit and integration). */
import type { SignalEvent } from '../../../src/domain/events.js';

export function sampleEvent(seq: number, overrides: Partial<SignalEvent> = {}): SignalEvent {
  const at = new Date(Date.UTC(2025, 10, 3, 13, 21, 50) + seq * 1000).toISOString();
  return {
    seq,
    op: 'created',
    occurred_at: at,
    signal: {
      id: seq,
      ts: Date.parse(at),
      channel: '-1001649127710',
      signal_type: 'Swing Trade',
      asset: 'PETRX245',
      buy_min: 0.82,
      buy_max: 0.86,
      target_1: 0.95,
      target_2: 1.3,
      target_final: 2.1,
      stop: 0.55,
      raw_message: '🟢Swing Trade\nCOMPRA PETRX245 0,82 a 0,86\nALVOS 0,95 / 1,30 / 2,10\nSTOP 0,55',
      source: 'telegram-gateway',
      ingested_at: at,
      created_at: at,
      updated_at: at,
      message_id: String(5000 + seq),
      side: 'buy',
      targets: [
        { index: 1, price: 0.95 },
        { index: 2, price: 1.3 },
        { index: 3, price: 2.1 },
      ],
      status: 'open',
      valid_until: null,
      seq,
    },
    ...overrides,
  };
}
