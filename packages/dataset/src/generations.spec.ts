import { describe, expect, it } from 'vitest';
import { keptGenerations, staleGenerations } from './generations.js';

describe('generations', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  it('picks uncommitted generations of runs older than the limit, never the current run or a folder it does not name', () => {
    const keys = [
      '_manifest.json',
      'run_id=20261201T000000Z-0badc0de/part-00000.snappy.parquet', // 2.5 days old, no manifest names it: killed
      'run_id=20261201T000000Z-0badc0de/k=a/part-00001.snappy.parquet',
      'run_id=20261202T000000Z-11111111/part-00000.snappy.parquet', // published
      'run_id=20261203T100000Z-1234abcd/part-00000.snappy.parquet', // 2 hours old: maybe still writing
      'run_id=20261130T000000Z-aaaabbbb/part-00000.snappy.parquet', // the current run (its clock says so)
      'run_id=manual/part-00000.snappy.parquet', // not a run id
      'other/part-00000.snappy.parquet', // not a generation
      'other/run_id=20261101T000000Z-22222222/part-00000.snappy.parquet', // deeper than this dataset's generations: not its own
    ];
    const stale = (staleAfterHours: number) =>
      staleGenerations({
        keys,
        template: 'run_id={runId}',
        published: ['run_id=20261202T000000Z-11111111'],
        currentRunId: '20261130T000000Z-aaaabbbb',
        now,
        staleAfterHours,
      }).map((g) => [g.generation, g.keys.length]);
    expect(stale(24)).toEqual([['run_id=20261201T000000Z-0badc0de', 2]]);
    // With staleAfterHours 0, every uncommitted generation but the current run's.
    expect(stale(0)).toEqual([
      ['run_id=20261201T000000Z-0badc0de', 2],
      ['run_id=20261203T100000Z-1234abcd', 1],
    ]);
  });

  it("takes an append run's folder as committed when it holds its own manifest", () => {
    const keys = [
      'load_date=2026-11-01/run_id=20261101T000000Z-22222222/part-00000.snappy.parquet', // committed
      'load_date=2026-11-01/run_id=20261101T000000Z-22222222/_manifest.json',
      'load_date=2026-11-02/run_id=20261102T000000Z-33333333/part-00000.snappy.parquet', // killed
      'load_date=2026-11-02/run_id=20261102T000000Z-33333333/k=v/_manifest.json', // not the run's own manifest
      'run_id=20261101T000000Z-44444444/part-00000.snappy.parquet', // not of the template's shape
    ];
    const stale = staleGenerations({
      keys,
      template: 'load_date=2026-12-06/run_id={runId}',
      published: [],
      currentRunId: 'x',
      now,
      staleAfterHours: 24,
    });
    expect(stale.map((g) => [g.generation, g.runId, g.startedAt.toISOString(), g.keys.length])).toEqual([
      ['load_date=2026-11-02/run_id=20261102T000000Z-33333333', '20261102T000000Z-33333333', '2026-11-02T00:00:00.000Z', 2],
    ]);
  });

  it('reads the age from the run id: a leftover one second past the limit, not one second before it', () => {
    const at = (iso: string) =>
      staleGenerations({
        keys: ['run_id=20261203T094938Z-db8f5ed8/part-00000.snappy.parquet'],
        template: 'run_id={runId}',
        published: [],
        currentRunId: 'x',
        now: new Date(iso),
        staleAfterHours: 1,
      }).length;
    expect(at('2026-12-03T10:49:39Z')).toBe(1);
    expect(at('2026-12-03T10:49:37Z')).toBe(0);
  });

  it('keeps this run and the newest previous generations, dropping the rest', () => {
    expect(keptGenerations('run_id=c', ['run_id=b', 'run_id=a'], 2)).toEqual({ kept: ['run_id=c', 'run_id=b'], dropped: ['run_id=a'] });
    expect(keptGenerations('run_id=a', [], 2)).toEqual({ kept: ['run_id=a'], dropped: [] });
    expect(keptGenerations('run_id=c', ['run_id=b', 'run_id=a'], 1)).toEqual({ kept: ['run_id=c'], dropped: ['run_id=b', 'run_id=a'] });
  });

  it('never drops a retained generation (the one the catalog points at), and names it even once it fell off the list', () => {
    expect(keptGenerations('run_id=d', ['run_id=c', 'run_id=b', 'run_id=a'], 2, ['run_id=b'])).toEqual({
      kept: ['run_id=d', 'run_id=c', 'run_id=b'],
      dropped: ['run_id=a'],
    });
    expect(keptGenerations('run_id=d', ['run_id=c'], 2, ['run_id=a', 'run_id=c', 'run_id=a'])).toEqual({
      kept: ['run_id=d', 'run_id=c', 'run_id=a'],
      dropped: [],
    });
  });
});
