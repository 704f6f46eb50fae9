import { describe, expect, it } from 'vitest';
import { stagingLeftovers, stagingTableName } from './staging-names.js';

describe('staging names', () => {
  it("names a run's staging table from its id, and reads the run's start time back from the name", () => {
    const runId = '20261203T094938Z-db8f5ed8';
    expect(stagingTableName(runId, 2)).toBe('stg_20261203t094938z_db8f5ed8_2');
    // Started 2026-12-03T09:49:38Z: a leftover one second after the limit, not one second before it.
    const leftover = (now: string) =>
      stagingLeftovers({
        tables: [stagingTableName(runId, 2)],
        runFolders: [runId],
        currentRunId: 'x',
        now: new Date(now),
        maxAgeHours: 1,
      });
    expect(leftover('2026-12-03T10:49:39Z')).toEqual({ tables: ['stg_20261203t094938z_db8f5ed8_2'], runFolders: [runId] });
    expect(leftover('2026-12-03T10:49:37Z')).toEqual({ tables: [], runFolders: [] });
  });

  it('reads run ids to the millisecond (newRunId today) as well as to the second (ids made before)', () => {
    const runId = '20261203T094938123Z-db8f5ed8';
    expect(stagingTableName(runId, 0)).toBe('stg_20261203t094938123z_db8f5ed8_0');
    const leftovers = (now: string) =>
      stagingLeftovers({
        tables: [stagingTableName(runId, 0)],
        runFolders: [runId],
        currentRunId: 'x',
        now: new Date(now),
        maxAgeHours: 1,
      });
    expect(leftovers('2026-12-03T10:49:38.124Z')).toEqual({ tables: ['stg_20261203t094938123z_db8f5ed8_0'], runFolders: [runId] });
    expect(leftovers('2026-12-03T10:49:38.122Z')).toEqual({ tables: [], runFolders: [] });
  });

  it('picks the tables and run folders older than the limit, never the current run or a name a load does not make', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const leftovers = stagingLeftovers({
      tables: [
        'stg_20261201t000000z_0badc0de_0', // 2.5 days old
        'stg_20261201t000000z_0badc0de_1',
        'stg_20261203t100000z_1234abcd_0', // 2 hours old: maybe still loading
        'stg_20261130t000000z_feedbeef_0x', // not a load's name
        'stg_customers', // a user's table
        'stg_20261130t000000z_aaaabbbb_0', // this run (its clock says so)
      ],
      runFolders: ['20261201T000000Z-0badc0de', '20261203T100000Z-1234abcd', 'manual', '20261130T000000Z-aaaabbbb'],
      currentRunId: '20261130T000000Z-aaaabbbb',
      now,
      maxAgeHours: 24,
    });
    expect(leftovers).toEqual({
      tables: ['stg_20261201t000000z_0badc0de_0', 'stg_20261201t000000z_0badc0de_1'],
      runFolders: ['20261201T000000Z-0badc0de'],
    });
    expect(
      stagingLeftovers({ tables: ['stg_20261203t100000z_1234abcd_0'], runFolders: [], currentRunId: 'x', now, maxAgeHours: 1 }).tables,
    ).toEqual(['stg_20261203t100000z_1234abcd_0']);
  });
});
