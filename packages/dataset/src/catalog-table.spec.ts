import { describe, expect, it } from 'vitest';
import { datasetTable } from './catalog-table.js';

describe('datasetTable: the catalog table of a published dataset', () => {
  it('Hive types, the partition keys of the transforms, the generation as location, one partition per folder (unescaped)', () => {
    const table = datasetTable(
      {
        generation: 's3://lake/retail/run_id=X',
        partitions: [
          'd_year=2011/d_month=12/country=a%2Fb',
          'd_year=__HIVE_DEFAULT_PARTITION__/d_month=__HIVE_DEFAULT_PARTITION__/country=UK',
        ],
      },
      {
        prefix: 's3://lake/retail',
        schema: {
          fields: [
            { name: 'id', type: { kind: 'bigint' }, nullable: false },
            { name: 'price', type: { kind: 'decimal', precision: 38, scale: 2 }, nullable: true },
            { name: 'd', type: { kind: 'timestamp', withZone: false }, nullable: true },
            { name: 'country', type: { kind: 'string' }, nullable: true },
            { name: 'tags', type: { kind: 'json' }, nullable: true },
          ],
        },
        partitionBy: ['d:month', 'country'],
      },
    );
    expect(table.columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'price', type: 'decimal(38,2)' },
      { name: 'd', type: 'timestamp' },
      { name: 'country', type: 'string' },
      { name: 'tags', type: 'string' },
    ]);
    expect(table.partitionKeys.map((k) => k.name)).toEqual(['d_year', 'd_month', 'country']);
    expect(table.location).toBe('s3://lake/retail/run_id=X/');
    expect(table.partitions[0]).toEqual({
      values: ['2011', '12', 'a/b'],
      location: 's3://lake/retail/run_id=X/d_year=2011/d_month=12/country=a%2Fb/',
    });
    expect(table.partitions[1]?.values).toEqual(['__HIVE_DEFAULT_PARTITION__', '__HIVE_DEFAULT_PARTITION__', 'UK']);
  });
});
