import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_SHA256,
  backoffDelayMs,
  batchItems,
  canonicalRequest,
  canonicalResponse,
  clockSkewMessage,
  formatEnrollCode,
  normalizeEnrollCode,
  planBatch,
  utf8ByteLength,
  validatePushEvent,
  type BatchItem,
  type ExistingRow,
} from '../../../domain/sync.js';
import { hmacHex, sha256Hex } from '../../../server/app.js';

const ID = (n: number) => `01890000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('signing text', () => {
  it('joins scheme, method, path with query, timestamp, nonce and body hash on separate lines', () => {
    expect(canonicalRequest({ method: 'post', path: '/v1/push', timestamp: '2026-11-21T10:00:00.000Z', nonce: 'abcdefghijklmnop', bodySha256: EMPTY_SHA256.toUpperCase() })).toBe(
      ['POSTDESK-HMAC-SHA256-V1', 'POST', '/v1/push', '2026-11-21T10:00:00.000Z', 'abcdefghijklmnop', EMPTY_SHA256].join('\n'),
    );
    expect(canonicalResponse({ nonce: 'n'.repeat(16), status: 200, bodySha256: EMPTY_SHA256 })).toBe(`POSTDESK-RESPONSE-HMAC-SHA256-V1\n${'n'.repeat(16)}\n200\n${EMPTY_SHA256}`);
  });

  it('gives different texts for different requests (no field can bleed into the next)', () => {
    const field = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
    fc.assert(
      fc.property(fc.tuple(field, field, field, field), fc.tuple(field, field, field, field), (a, b) => {
        const t = (x: string[]) => canonicalRequest({ method: 'POST', path: x[0]!, timestamp: x[1]!, nonce: x[2]!, bodySha256: x[3]!.toLowerCase() });
        const same = a.every((v, i) => (i === 3 ? v.toLowerCase() === b[i]!.toLowerCase() : v === b[i]));
        expect(t(a) === t(b)).toBe(same);
      }),
    );
  });

  it('refuses a field with a line break', () => {
    expect(() => canonicalRequest({ method: 'GET', path: '/v1/pull\n', timestamp: 't', nonce: 'n', bodySha256: EMPTY_SHA256 })).toThrow(/line break/);
  });

  it('uses HMAC-SHA256 and SHA-256 as published (RFC 4231 case 2, FIPS 180 "abc")', () => {
    expect(hmacHex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe(EMPTY_SHA256);
    expect(createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex')).toBe(hmacHex('Jefe', 'what do ya want for nothing?'));
  });
});

/**
 * A model of the server applying batches with planBatch, and of a client
 * that follows the protocol through arbitrary losses, duplicates and
 * reorderings: the stored set is always exactly 1..held with the right ids.
 */
describe('planBatch', () => {
  function applyPlan(store: Map<number, ExistingRow>, held: number, items: BatchItem[]): number {
    const existing = new Map<number, ExistingRow>();
    for (const it of items) if (it.seq <= held && store.has(it.seq)) existing.set(it.seq, store.get(it.seq)!);
    const plan = planBatch(held, items, existing);
    if (plan.kind === 'conflict') throw new Error('unexpected conflict');
    if (plan.kind === 'gap') {
      expect(items[0]!.seq).toBeGreaterThan(held + 1);
      expect(plan.expected).toBe(held + 1);
      return held;
    }
    for (const it of plan.fills) store.set(it.seq, { eventId: it.id, state: 'event' });
    for (const it of plan.inserts) {
      expect(store.has(it.seq)).toBe(false);
      store.set(it.seq, { eventId: it.id, state: it.kind });
    }
    expect(plan.ackedThrough).toBeGreaterThanOrEqual(held);
    return plan.ackedThrough;
  }

  it('keeps the stored set exactly 1..held, each seq once with its own id, whatever batches arrive', () => {
    const n = 60;
    const item = (seq: number, aside: boolean): BatchItem => (aside ? { seq, id: ID(seq), kind: 'set_aside', reason: 'bad' } : { seq, id: ID(seq), kind: 'event' });
    const batchArb = fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: 15 }), fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 3 })).map(([start, len, holes]) => {
      const seqs: number[] = [];
      for (let s = start; s < Math.min(n + 1, start + len); s++) if (!holes.includes(s - start)) seqs.push(s);
      return seqs;
    });
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 1, max: n }), { maxLength: 5 }), (batches, asideSeqs) => {
        const aside = new Set(asideSeqs);
        const store = new Map<number, ExistingRow>();
        let held = 0;
        for (const seqs of batches) {
          const items = seqs.map((s) => item(s, aside.has(s)));
          if (items.length === 0) continue;
          held = applyPlan(store, held, items);
          expect([...store.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: held }, (_, i) => i + 1));
          for (const [s, row] of store) expect(row.eventId).toBe(ID(s));
        }
        // a client resending from held+1 always converges
        while (held < n) held = applyPlan(store, held, Array.from({ length: Math.min(7, n - held) }, (_, i) => item(held + 1 + i, aside.has(held + 1 + i))));
        expect(store.size).toBe(n);
        // resending set-aside seqs as real events fills their placeholders
        held = applyPlan(store, held, [...aside].sort((a, b) => a - b).map((s) => item(s, false)));
        expect([...store.values()].every((r) => r.state === 'event')).toBe(true);
      }),
    );
  });

  it('refuses a batch that starts beyond held + 1 with the seq it expects', () => {
    expect(planBatch(10, [{ seq: 12, id: ID(12), kind: 'event' }], new Map())).toEqual({ kind: 'gap', ackedThrough: 10, expected: 11 });
  });

  it('reports a different event at a held seq as a conflict, not as a duplicate', () => {
    const existing = new Map<number, ExistingRow>([[5, { eventId: ID(5), state: 'event' }]]);
    expect(planBatch(10, [{ seq: 5, id: ID(99), kind: 'event' }], existing)).toMatchObject({ kind: 'conflict', seq: 5, storedId: ID(5), sentId: ID(99) });
  });

  it('stores only the contiguous prefix and names the next seq after a hole', () => {
    const items: BatchItem[] = [1, 2, 4, 5].map((s) => ({ seq: s, id: ID(s), kind: 'event' }));
    const plan = planBatch(0, items, new Map());
    expect(plan).toMatchObject({ kind: 'apply', ackedThrough: 2, expected: 3 });
  });
});

describe('batchItems', () => {
  const ev = (seq: number, id = ID(seq)) => ({ seq, id, type: 'receipt.committed', at: '2026-11-21T10:00:00.000Z', payload: '{}' });
  it('sorts events and declarations by seq and drops an exact repeat', () => {
    const r = batchItems([ev(3), ev(1), ev(1)], [{ seq: 2, id: ID(2), reason: 'x' }]);
    expect('items' in r && r.items.map((i) => [i.seq, i.kind])).toEqual([
      [1, 'event'],
      [2, 'set_aside'],
      [3, 'event'],
    ]);
  });
  it('refuses the same seq with two different ids', () => {
    expect(batchItems([ev(1), ev(1, ID(7))], [])).toMatchObject({ seq: 1 });
  });
});

describe('validatePushEvent', () => {
  const good = { seq: 7, id: ID(7), type: 'receipt.committed', at: '2026-11-21T10:00:00.000Z', payload: '{"a":1}' };
  it('accepts a well-formed event', () => {
    expect(validatePushEvent(good)).toEqual({ ok: true, event: good });
  });
  it.each([
    [{ ...good, payload: '{broken' }, /not valid JSON/],
    [{ ...good, payload: '[1,2]' }, /must be a JSON object/],
    [{ ...good, payload: JSON.stringify({ p: 'ж'.repeat(40) }) }, /payload is 88 bytes; the limit is 50/],
    [{ ...good, type: 'Receipt Committed' }, /type: must be dotted lower-case words/],
    [{ ...good, at: '21.11.2026' }, /at: must be an ISO-8601 instant/],
    [{ ...good, extra: 1 }, /event/],
  ])('refuses %j naming its seq', (raw, reason) => {
    const v = validatePushEvent(raw, 50);
    expect(v.ok).toBe(false);
    expect(v).toMatchObject({ seq: 7, reason: expect.stringMatching(reason) });
  });
  it('refuses an event without a readable seq without inventing one', () => {
    expect(validatePushEvent({ ...good, seq: -1 })).toEqual({ ok: false, reason: expect.stringContaining('seq') });
  });
});

describe('small rules', () => {
  it('counts UTF-8 bytes like Buffer does', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s));
    }));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s));
    }));
  });

  it('backs off exponentially with jitter, capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, r) => {
        const policy = { baseMs: 1000, maxMs: 300_000 };
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1));
        const d = backoffDelayMs(failures, policy, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(ceiling);
      }),
    );
    expect(backoffDelayMs(1, { baseMs: 1000, maxMs: 10_000 }, () => 0.999999)).toBe(1000);
    expect(backoffDelayMs(30, { baseMs: 1000, maxMs: 10_000 }, () => 0)).toBe(5000);
  });

  it('says clock skew in words with both clocks', () => {
    expect(clockSkewMessage('2026-11-21T10:06:00.000Z', '2026-11-21T10:00:00.000Z')).toBe(
      "The counter's clock is 6 minutes ahead of the central server's (counter: 2026-11-21T10:06:00.000Z, central server: 2026-11-21T10:00:00.000Z). Requests more than 5 minutes off are refused; set the counter's date and time correctly and sync again.",
    );
    expect(clockSkewMessage('2026-11-21T08:58:59.000Z', '2026-11-21T10:00:00.000Z')).toContain('1 hour 1 minute 1 second behind');
  });

  it('reads enrollment codes typed loosely', () => {
    expect(normalizeEnrollCode(' 7kq2-m9xd 4htb-ocwe ')).toBe('7KQ2M9XD4HTB0CWE');
    expect(normalizeEnrollCode('IL0O')).toBe('1100');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'), minLength: 16, maxLength: 16 }), (c) => {
        expect(normalizeEnrollCode(formatEnrollCode(c))).toBe(c);
        expect(normalizeEnrollCode(formatEnrollCode(c).toLowerCase())).toBe(c);
      }),
    );
  });
});

describe('validatePushEvent agrees with PushEventSchema', () => {
  it('accepts exactly what the schema accepts', async () => {
    const { PushEventSchema } = await import('../../../domain/sync.js');
    const anyField = fc.oneof(fc.constant(undefined), fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(ID(1)), fc.constant('receipt.committed'), fc.constant('2026-11-21T10:00:00Z'), fc.constant('{}'));
    const eventLike = fc.record(
      {
        seq: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constant(Number.MAX_SAFE_INTEGER + 2), fc.double(), anyField),
        id: fc.oneof(fc.constant(ID(3)), fc.constant(ID(3).toUpperCase()), fc.uuid(), anyField),
        type: fc.oneof(fc.constant('till.closed'), fc.constant('Till'), fc.constant('a'.repeat(65)), fc.constant(''), anyField),
        at: fc.oneof(fc.constant('2026-11-21T10:00:00.123+01:00'), fc.constant('2026-13-45T10:00:00Z'), fc.constant('2026-11-21 10:00'), anyField),
        payload: fc.oneof(fc.constant('{"a":1}'), fc.constant('[]'), anyField),
        extra: anyField,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(eventLike, (raw) => {
        const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
        const v = validatePushEvent(clean, 1 << 20);
        const schemaOk = PushEventSchema.safeParse(clean).success;
        if (v.ok) expect(schemaOk).toBe(true);
        if (schemaOk && !v.ok) expect(v.reason).toMatch(/payload/);
      }),
      { numRuns: 2000 },
    );
  });
});
