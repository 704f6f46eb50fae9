import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCatalog, type TableDefinition } from '@etl/catalog';
import { openRows } from '@etl/convert';
import { testContext } from '@etl/core/testing';
import { LocalObjectStore } from '@etl/object-store';
import type { Value } from '@etl/schema';
import { tableFiles, tableRows, type TableReadOptions } from '@etl/table-reader';

/** Hive text tables read as the CDC load reads them: `@etl/table-reader` with `@etl/convert`'s text readers. */
const dir = mkdtempSync(join(tmpdir(), 'cdc-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = new LocalObjectStore();
const catalog = new FileCatalog(store, join(dir, 'catalog'));
const at = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

function write(path: string, body: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), body);
}

async function read(table: TableDefinition, options: Partial<TableReadOptions> = {}) {
  const { ctx, rejects } = testContext();
  const rows = tableRows(store, table, await tableFiles(store, catalog, table), { ctx, openText: openRows, ...options });
  const all: Value[][] = [];
  for await (const batch of rows.batches()) all.push(...batch);
  return { rows: all, stats: rows.stats, rejects };
}

describe('Hive text tables', () => {
  it("reads a LazySimpleSerDe table's partitions from the catalog: its delimiter, header lines, \\N, the partition values as columns", async () => {
    const events: TableDefinition = {
      database: 'shop',
      name: 'events',
      format: 'csv',
      location: pathToFileURL(join(dir, 'events')).href,
      columns: [
        { name: 'id', type: 'int' },
        { name: 'amount', type: 'decimal(10,2)' },
        { name: 'updated_at', type: 'timestamp' },
      ],
      partitionKeys: [{ name: 'dt', type: 'date' }],
      parameters: { 'skip.header.line.count': '1' },
      serde: { library: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'field.delim': '|' } },
    };
    write('events/dt=2026-01-02/b.csv', 'id|amount|updated_at\n3|\\N|2026-01-02 10:00:00\n');
    write('events/dt=2026-01-01/a.csv', 'id|amount|updated_at\n1|12.50|2026-01-01 09:00:00\n2|1.00|2026-01-01 09:30:00\n');
    write('events/dt=2026-01-03/c.csv', 'id|amount|updated_at\n9|9.99|2026-01-03 00:00:00\n'); // not a registered partition
    await catalog.upsertTable(events);
    await catalog.addPartitions('shop', 'events', [
      { values: ['2026-01-02'], location: pathToFileURL(join(dir, 'events/dt=2026-01-02')).href },
      { values: ['2026-01-01'], location: pathToFileURL(join(dir, 'events/dt=2026-01-01')).href },
    ]);
    const { rows } = await read(events);
    expect(rows).toEqual([
      [1, '12.50', at('2026-01-01T09:00:00Z'), '2026-01-01'],
      [2, '1.00', at('2026-01-01T09:30:00Z'), '2026-01-01'],
      [3, null, at('2026-01-02T10:00:00Z'), '2026-01-02'],
    ]);
  });

  it('reads quotes as Athena does: none for LazySimpleSerDe (a leading or unbalanced " is data), OpenCSVSerde\'s quoteChar', async () => {
    const columns = [
      { name: 'id', type: 'int' },
      { name: 'note', type: 'string' },
    ];
    const lazy: TableDefinition = {
      database: 'shop',
      name: 'notes',
      format: 'csv',
      location: pathToFileURL(join(dir, 'notes')).href,
      columns,
      partitionKeys: [],
      serde: { library: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'field.delim': '|' } },
    };
    // An unbalanced quote would swallow the following lines if it were read as CSV.
    write('notes/a.txt', '1|"quoted"\n2|"unbalanced\n3|a "b" c\n4|"\n');
    expect((await read(lazy)).rows).toEqual([
      [1, '"quoted"'],
      [2, '"unbalanced'],
      [3, 'a "b" c'],
      [4, '"'],
    ]);
    const open: TableDefinition = {
      ...lazy,
      name: 'quoted',
      location: pathToFileURL(join(dir, 'quoted')).href,
      serde: { library: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters: { quoteChar: "'" } },
    };
    write('quoted/a.csv', '1,\'a,b\'\n2,"c"\n');
    expect((await read(open)).rows).toEqual([
      [1, 'a,b'],
      [2, '"c"'],
    ]);
    // A backslash escape the parser cannot honour: refused, naming the table, rather than "a \" b" read as two fields.
    const escaped: TableDefinition = {
      ...lazy,
      name: 'escaped',
      location: pathToFileURL(join(dir, 'escaped')).href,
      serde: { library: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', parameters: { escapeChar: '\\' } },
    };
    write('escaped/a.csv', '1,"a \\" b"\n');
    await expect(read(escaped)).rejects.toThrow('table escaped: OpenCSVSerde escapeChar "\\\\" is not supported');
  });

  it('reads JSON lines by name and sends a value that does not cast to the rejects with its file and line', async () => {
    const clicks: TableDefinition = {
      database: 'shop',
      name: 'clicks',
      format: 'json',
      location: pathToFileURL(join(dir, 'clicks')).href,
      columns: [
        { name: 'id', type: 'int' },
        { name: 'updated_at', type: 'timestamp' },
      ],
      partitionKeys: [],
    };
    write('clicks/a.json', '{"updated_at":"2026-01-01T00:00:00Z","id":1}\n{"id":"x","updated_at":"2026-01-01T00:00:00Z"}\n{"id":3}\n');
    const { rows, rejects, stats } = await read(clicks, { window: { column: 'updated_at', from: 0n } });
    expect(rows).toEqual([[1, at('2026-01-01T00:00:00Z')]]);
    expect(stats).toMatchObject({ rowsBeforeWindow: 0, rowsWithoutChangeTime: 1 }); // no change time: in no window
    expect(rejects.samples.map((r) => [r.file, r.line, r.code])).toEqual([[expect.stringContaining('a.json'), 2, 'CAST']]);
  });
});
