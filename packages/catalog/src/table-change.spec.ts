import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObjectStore } from '@etl/object-store';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCatalog } from './file/file-catalog.js';
import { planTableChange, publishTable, refusedChange } from './table-change.js';
import type { TableDefinition } from './catalog.js';

const table = (columns: Array<[string, string]>, partitionKeys: Array<[string, string]> = [['d_year', 'string']]): TableDefinition => ({
  database: 'retail',
  name: 'orders',
  format: 'parquet',
  location: 's3://lake/orders/run_id=1/',
  columns: columns.map(([name, type]) => ({ name, type })),
  partitionKeys: partitionKeys.map(([name, type]) => ({ name, type })),
});

describe('planTableChange: schema evolution of a catalog table', () => {
  it('creates a missing table; an identical one is unchanged', () => {
    const wanted = table([['id', 'bigint']]);
    expect(planTableChange(undefined, wanted).action).toBe('create');
    expect(planTableChange(wanted, wanted).action).toBe('unchanged');
  });

  it('appends new columns, keeps columns no longer written, and reports type changes (refused unless allowed)', () => {
    const existing = table([
      ['id', 'bigint'],
      ['gone', 'string'],
      ['price', 'decimal(38,2)'],
    ]);
    const wanted = table([
      ['id', 'bigint'],
      ['extra', 'string'],
      ['PRICE', 'decimal(38,3)'],
    ]);
    const change = planTableChange(existing, wanted);
    expect(change).toMatchObject({
      action: 'update',
      added: ['extra'],
      kept: ['gone'],
      typeChanges: [{ column: 'price', from: 'decimal(38,2)', to: 'decimal(38,3)' }],
    });
    expect(change.table.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id bigint',
      'gone string',
      'price decimal(38,3)',
      'extra string',
    ]);
    expect(refusedChange(change, wanted, false)).toBe(
      'catalog table retail.orders: price decimal(38,2) -> decimal(38,3); pass --allow_type_change to change the types (queries of older files may fail), or declare the types with --schema',
    );
    expect(refusedChange(change, wanted, true)).toBeUndefined();
    expect(
      refusedChange(
        planTableChange(
          existing,
          table([
            ['id', 'bigint'],
            ['extra', 'string'],
          ]),
        ),
        wanted,
        false,
      ),
    ).toBeUndefined();
  });

  it('a different partitioning is refused unless allowed', () => {
    const change = planTableChange(table([['id', 'bigint']]), table([['id', 'bigint']], [['country', 'string']]));
    expect(change.partitionKeysChanged).toBe(true);
    expect(refusedChange(change, table([]), false)).toMatch(/is partitioned otherwise/);
  });

  it("a refusal ends with the caller's remedies when it gives them", () => {
    const typed = planTableChange(table([['id', 'bigint']]), table([['id', 'string']]));
    const remedies = { partitioning: 'register elsewhere', types: 'rebuild the table' };
    expect(refusedChange(typed, table([]), false, remedies)).toBe('catalog table retail.orders: id bigint -> string; rebuild the table');
    const partitioned = planTableChange(table([['id', 'bigint']]), table([['id', 'bigint']], [['country', 'string']]));
    expect(refusedChange(partitioned, table([]), false, remedies)).toBe(
      'catalog table retail.orders is partitioned otherwise than this run writes it; register elsewhere',
    );
  });
});

describe('publishTable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'publish-table-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const part = (y: string, run: string) => ({ values: [y], location: `s3://lake/orders/run_id=${run}/d_year=${y}/` });

  it('a snapshot run moves its partitions to its folder and drops the ones it did not write; a refused change changes nothing', async () => {
    const catalog = new FileCatalog(createObjectStore(), dir);
    const created = await publishTable(catalog, table([['id', 'bigint']]), [part('2010', '1'), part('2011', '1'), part('2012', '1')], {
      replacePartitions: true,
    });
    expect(created).toMatchObject({ action: 'create', droppedPartitions: 0 });
    const second = await publishTable(
      catalog,
      {
        ...table([
          ['id', 'bigint'],
          ['extra', 'string'],
        ]),
        location: 's3://lake/orders/run_id=2/',
      },
      [part('2011', '2'), part('2012', '2')],
      {
        replacePartitions: true,
      },
    );
    expect(second).toMatchObject({ action: 'update', added: ['extra'], droppedPartitions: 1 });
    expect(await catalog.listPartitions('retail', 'orders')).toEqual([part('2011', '2'), part('2012', '2')]);
    await expect(publishTable(catalog, table([['id', 'string']]), [part('2013', '3')])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await catalog.getTable('retail', 'orders'))?.columns.map((c) => c.type)).toEqual(['bigint', 'string']);
    expect(await catalog.listPartitions('retail', 'orders')).toHaveLength(2);
  });
});
