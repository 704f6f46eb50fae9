import { describe, expect, it } from 'vitest';
import { newRunId, runStartedAt } from './context.js';

describe('run ids', () => {
  it('read back the start time of an id newRunId made, in any case, and of no other', () => {
    expect(runStartedAt('20261203T094938Z-db8f5ed8')).toEqual(new Date('2026-12-03T09:49:38Z'));
    expect(runStartedAt('20261203t094938z-DB8F5ED8')).toEqual(new Date('2026-12-03T09:49:38Z'));
    const fresh = newRunId({ now: () => new Date('2027-01-31T23:59:59.123Z'), monotonicMs: () => 0, sleep: async () => undefined });
    expect(runStartedAt(fresh)).toEqual(new Date('2027-01-31T23:59:59Z'));
    for (const other of ['nightly-load', '20261203T094938Z', '20261203T094938Z-db8f5ed8-extra', '20261399T000000Z-db8f5ed8'])
      expect(runStartedAt(other)).toBeUndefined();
  });
});
