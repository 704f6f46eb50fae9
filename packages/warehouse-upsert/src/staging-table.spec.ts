import { describe, expect, it } from 'vitest';
import type { Field } from '@etl/schema';
import type { TargetColumn } from '@etl/table-sync';
import { stagingColumnType, stagingTableSteps } from './staging-table.js';

const field = (name: string, type: Field['type']): Field => ({ name, type, nullable: true });
const column = (name: string, kind: TargetColumn['kind'], sqlType: string): TargetColumn => ({ name, kind, sqlType, nullable: true });

describe('stagingColumnType', () => {
  it('types a new column from the source at the widest width: text VARCHAR(65535), integers BIGINT, the rest as inferred', () => {
    expect(stagingColumnType(field('a', { kind: 'string' }), undefined)).toBe('VARCHAR(65535)');
    expect(stagingColumnType(field('a', { kind: 'smallint' }), undefined)).toBe('BIGINT');
    expect(stagingColumnType(field('a', { kind: 'decimal', precision: 38, scale: 18 }), undefined)).toBe('DECIMAL(38,18)');
    expect(stagingColumnType(field('a', { kind: 'timestamp', withZone: false }), undefined)).toBe('TIMESTAMP');
  });

  it('types a column the table has as the table does (COPY converts as into the table), widths at their widest', () => {
    expect(stagingColumnType(field('a', { kind: 'bigint' }), column('a', 'string', 'VARCHAR(20)'))).toBe('VARCHAR(65535)');
    expect(stagingColumnType(field('a', { kind: 'bigint' }), column('a', 'smallint', 'SMALLINT'))).toBe('BIGINT');
    expect(stagingColumnType(field('a', { kind: 'bigint' }), column('a', 'decimal', 'NUMERIC(12,2)'))).toBe('NUMERIC(12,2)');
    expect(stagingColumnType(field('a', { kind: 'date' }), column('a', 'timestamp', 'TIMESTAMP'))).toBe('TIMESTAMP');
  });

  it('keeps text headed for a numeric column as text, so the plan refuses it with its own message, not a COPY error', () => {
    expect(stagingColumnType(field('a', { kind: 'string' }), column('a', 'int', 'INTEGER'))).toBe('VARCHAR(65535)');
    expect(stagingColumnType(field('a', { kind: 'boolean' }), column('a', 'decimal', 'NUMERIC(12,2)'))).toBe('VARCHAR(65535)');
  });
});

describe('stagingTableSteps', () => {
  it('drops a leftover, then creates the staging table: keys NOT NULL, the source line column last', () => {
    const steps = stagingTableSteps({
      stagingTable: 'sales.stg_r_0',
      schema: { fields: [field('id', { kind: 'int' }), field('name', { kind: 'string' })] },
      keys: ['id'],
      target: undefined,
    });
    expect(steps.map((s) => s.sql)).toEqual([
      'DROP TABLE IF EXISTS "sales"."stg_r_0"',
      'CREATE TABLE "sales"."stg_r_0" ("id" BIGINT NOT NULL, "name" VARCHAR(65535), "__etl_line" BIGINT)',
    ]);
  });
});
