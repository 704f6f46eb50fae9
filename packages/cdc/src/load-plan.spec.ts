import { describe, expect, it } from 'vitest';
import { parseType } from '@etl/schema';
import { planLoad, type PlanInput } from './load-plan.js';
import { formatWatermark } from './watermark.js';

const schema = {
  fields: ['id', 'line', 'updated_at'].map((name) => ({
    name,
    type: parseType(name === 'updated_at' ? 'timestamp' : 'int'),
    nullable: true,
  })),
};
const watermark = { table: 't', column: 'updated_at', value: '2026-12-01T00:00:30.000000Z', run_id: 'r', committed_at: 'c' };
const input: PlanInput = {
  table: 't',
  schema,
  primaryKey: ['id', 'line'],
  changeColumn: 'updated_at',
  loadType: 'incremental',
  watermark,
  lagSeconds: 0,
  hasCurrent: true,
};

describe('planLoad', () => {
  it('is incremental from the watermark less the lag, with the key columns in key order', () => {
    expect(planLoad({ ...input, lagSeconds: 30 })).toEqual({
      mode: 'incremental',
      keyColumns: [0, 1],
      changeColumn: 2,
      from: BigInt(Date.parse('2026-12-01T00:00:00Z')) * 1000n,
      warnings: [],
    });
  });

  it('is full, saying why, without a watermark, with --load_type full, without a current state, or without updated_at', () => {
    expect(planLoad({ ...input, watermark: undefined, hasCurrent: false })).toMatchObject({
      mode: 'full',
      warnings: ['t has no watermark yet: a full load'],
    });
    expect(planLoad({ ...input, loadType: 'full' })).toMatchObject({ mode: 'full', warnings: [] });
    expect(planLoad({ ...input, hasCurrent: false }).warnings).toEqual(['t has a watermark but no published current state: a full load']);
    expect(planLoad({ ...input, changeColumn: 'modified' })).toMatchObject({
      mode: 'full',
      changeColumn: undefined,
      warnings: ['t has no modified column: loaded in full every run'],
    });
  });

  it('compares every row with a published state that has no watermark yet (a first run killed after publishing changes), not a full load again', () => {
    expect(planLoad({ ...input, watermark: undefined })).toEqual({
      mode: 'incremental',
      keyColumns: [0, 1],
      changeColumn: 2,
      from: undefined,
      warnings: ['t has published changes but no watermark: every row read and compared with them'],
    });
  });

  it('copies a table without a key (a warning) and refuses a key column the table lacks', () => {
    expect(planLoad({ ...input, primaryKey: undefined })).toMatchObject({
      mode: 'incremental',
      keyColumns: [],
      warnings: ['t has no primary key in the primary-key file: copied without dedup'],
    });
    expect(() => planLoad({ ...input, primaryKey: ['id', 'sku'] })).toThrow(/primary key column sku of t is not a column of the table/);
  });
});

describe('formatWatermark', () => {
  it('writes the five fields, the value in ISO 8601 UTC with microseconds, far under 4 KB', () => {
    const body = formatWatermark({
      table: 'orders',
      column: 'updated_at',
      micros: 1_764_547_200_000_001n,
      run_id: 'r1',
      committed_at: 'c',
    });
    expect(JSON.parse(body)).toEqual({
      table: 'orders',
      column: 'updated_at',
      value: '2025-12-01T00:00:00.000001Z',
      run_id: 'r1',
      committed_at: 'c',
    });
    expect(Buffer.byteLength(body)).toBeLessThan(4096);
  });
});
