import { describe, expect, it } from 'vitest';
import { createKeyRing, OPEN_FINGERPRINT } from '../../../src/http/auth/key-ring.js';

const SECRET = 's'.repeat(32);

describe('key ring', () => {
  it('accepts every configured key (rotation) and nothing else', () => {
    const ring = createKeyRing(['old-key-123', 'new-key-456'], SECRET);
    const old = ring.verify('old-key-123');
    const fresh = ring.verify('new-key-456');
    expect(old).toBeTypeOf('string');
    expect(fresh).toBeTypeOf('string');
    expect(old).not.toBe(fresh);
    for (const wrong of ['', 'old-key-12', 'old-key-1234', 'OLD-KEY-123', 'new-key-456 ']) {
      expect(ring.verify(wrong)).toBeNull();
    }
  });

  it('fingerprints depend on the secret and never contain the key', () => {
    const a = createKeyRing(['k-abcdef'], SECRET).verify('k-abcdef')!;
    const b = createKeyRing(['k-abcdef'], 't'.repeat(32)).verify('k-abcdef')!;
    expect(a).not.toBe(b);
    expect(a).not.toContain('abcdef');
  });

  it('knows a session only while its key is configured', () => {
    const before = createKeyRing(['old', 'new'], SECRET);
    const oldPrint = before.verify('old')!;
    const after = createKeyRing(['new'], SECRET);
    expect(after.knows(oldPrint)).toBe(false);
    expect(after.knows(before.verify('new')!)).toBe(true);
  });

  it('is open when no key is configured', () => {
    const ring = createKeyRing(undefined, SECRET);
    expect(ring.configured).toBe(false);
    expect(ring.verify('anything')).toBe(OPEN_FINGERPRINT);
    expect(ring.knows(OPEN_FINGERPRINT)).toBe(true);
  });
});
