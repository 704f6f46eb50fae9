import { describe, expect, it } from 'vitest';
import { newRunId, runStartedAt } from './context.js';

describe('run ids', () => {
  it('read back the start time of an id newRunId made, in any case, and of no other', () => {
    expect(runStartedAt('20261203T094938Z-db8f5ed8')).toEqual(new Date('2026-12-03T09:49:38Z'));
    expect(runStartedAt('20261203t094938z-DB8F5ED8')).toEqual(new Date('2026-12-03T09:49:38Z'));
    const fresh = newRunId({ now: () => new Date('2027-01-31T23:59:59.123Z'), monotonicMs: () => 0, sleep: async () => undefined });
    expect(fresh).toMatch(/^20270131T235959123Z-[0-9a-f]{8}$/);
    expect(runStartedAt(fresh)).toEqual(new Date('2027-01-31T23:59:59.123Z'));
    for (const other of [
      'nightly-load',
      '20261203T094938Z',
      '20261203T094938Z-db8f5ed8-extra',
      '20261399T000000Z-db8f5ed8',
      '20261203T09493812Z-db8f5ed8',
    ])
      expect(runStartedAt(other)).toBeUndefined();
  });

  it('sort in the order runs started, to the millisecond: two runs of one second keep their order', () => {
    const at = (iso: string) => newRunId({ now: () => new Date(iso), monotonicMs: () => 0, sleep: async () => undefined });
    const ids = Array.from({ length: 20 }, (_, i) => at(`2026-12-07T09:48:12.${String(100 + i * 7).padStart(3, '0')}Z`));
    expect([...ids].sort()).toEqual(ids);
  });
});
