import { describe, expect, it } from 'vitest';
import type { Catalog, TableDefinition } from './catalog.js';

/** The behaviour every `Catalog` adapter must have; run against each. */
export function catalogContract(backend: string, target: () => { catalog: Catalog; database(): string }): void {
  const orders = (database: string): TableDefinition => ({
    database,
    name: 'orders',
    columns: [
      { name: 'account_id', type: 'bigint' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    partitionKeys: [{ name: 'run_date', type: 'string' }],
    location: 's3://lake/orders/',
    format: 'parquet',
  });

  describe(`Catalog contract: ${backend}`, () => {
    it('creates a table with its database, reads it back, and lists tables in name order', async () => {
      const { catalog, database } = target();
      const db = database();
      await catalog.upsertTable(orders(db));
      await catalog.upsertTable({ ...orders(db), name: 'accounts', location: 's3://lake/accounts/', partitionKeys: [] });
      expect(await catalog.getTable(db, 'orders')).toMatchObject({
        database: db,
        name: 'orders',
        format: 'parquet',
        location: 's3://lake/orders/',
        columns: orders(db).columns,
        partitionKeys: orders(db).partitionKeys,
      });
      expect((await catalog.listTables(db)).map((t) => t.name)).toEqual(['accounts', 'orders']);
    });

    it('replaces a definition on upsert (new columns), as a crawler would', async () => {
      const { catalog, database } = target();
      const db = database();
      await catalog.upsertTable(orders(db));
      await catalog.upsertTable({ ...orders(db), columns: [...orders(db).columns, { name: 'amount', type: 'decimal(38,18)' }] });
      expect((await catalog.getTable(db, 'orders'))?.columns.map((c) => c.name)).toEqual(['account_id', 'updated_at', 'amount']);
    });

    it("keeps a text table's SerDe and its parameters (delimiter, header lines), as readers need them", async () => {
      const { catalog, database } = target();
      const db = database();
      const events: TableDefinition = {
        ...orders(db),
        name: 'events',
        format: 'csv',
        partitionKeys: [],
        location: 's3://lake/events/',
        parameters: { 'skip.header.line.count': '1' },
        serde: { library: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'field.delim': '|' } },
      };
      await catalog.upsertTable(events);
      expect(await catalog.getTable(db, 'events')).toMatchObject({
        format: 'csv',
        parameters: { 'skip.header.line.count': '1' },
        serde: { library: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'field.delim': '|' } },
      });
    });

    it('adds partitions idempotently and lists them in order', async () => {
      const { catalog, database } = target();
      const db = database();
      await catalog.upsertTable(orders(db));
      await catalog.addPartitions(db, 'orders', [
        { values: ['2026-11-02'], location: 's3://lake/orders/run_date=2026-11-02/' },
        { values: ['2026-11-01'], location: 's3://lake/orders/run_date=2026-11-01/' },
      ]);
      await catalog.addPartitions(db, 'orders', [{ values: ['2026-11-02'], location: 's3://lake/orders/run_date=2026-11-02/' }]);
      expect(await catalog.listPartitions(db, 'orders')).toEqual([
        { values: ['2026-11-01'], location: 's3://lake/orders/run_date=2026-11-01/' },
        { values: ['2026-11-02'], location: 's3://lake/orders/run_date=2026-11-02/' },
      ]);
    });

    it('drops partitions by their values, skipping ones that do not exist', async () => {
      const { catalog, database } = target();
      const db = database();
      await catalog.upsertTable(orders(db));
      const days = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
      await catalog.addPartitions(
        db,
        'orders',
        days.map((d) => ({ values: [d], location: `s3://lake/orders/run_date=${d}/` })),
      );
      await catalog.dropPartitions(db, 'orders', [...days.slice(1).map((d) => [d]), ['2027-01-01']]);
      expect(await catalog.listPartitions(db, 'orders')).toEqual([
        { values: ['2026-11-01'], location: 's3://lake/orders/run_date=2026-11-01/' },
      ]);
    });

    it('answers undefined for a missing table and NOT_FOUND for a missing database or partitioned table', async () => {
      const { catalog, database } = target();
      const db = database();
      await catalog.upsertTable(orders(db));
      expect(await catalog.getTable(db, 'nope')).toBeUndefined();
      await expect(catalog.listTables(`${db}_missing`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(catalog.addPartitions(db, 'nope', [{ values: ['x'], location: 's3://x/' }])).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
}
