import { tmpdir } from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RunContext, Source, Stage } from '@etl/core';
import type { Schema, Value } from '@etl/schema';
import { ItemSchemaInference, type ItemColumn } from './item-schema.js';
import { declaredColumns, itemRows } from './item-rows.js';
import { ItemSpool } from './item-spool.js';
import { sweepStaleSpools } from './spool-sweep.js';
import { scanSource, type ScanOptions } from './scan-source.js';
import { tableKey } from './tables.js';
import type { Item } from './write-sink.js';

export interface TableExportOptions extends ScanOptions {
  /**
   * Declared columns (`--schema`): the table is scanned once, straight into the rows; an item that does
   * not fit is rejected with its key and the reason; attributes outside the schema are left out (and
   * named in `attributesNotInSchema`). Absent: the schema is inferred over every item
   * (`ItemSchemaInference`): the one scan goes to a spool on local disk first (`ItemSpool`), then the
   * rows are read back from it.
   */
  schema?: Schema;
  /** Where the spool goes (default the OS temp folder). Disk: about the table's size as DynamoDB JSON. */
  spoolDir?: string;
  /**
   * The table's items from elsewhere than a Scan, e.g. DynamoDB's native export (`exportItems`, or
   * `applyExportChanges` of an incremental one); the scan options are then unused.
   */
  items?: Source<Item>;
}

/** A table ready to be written: its columns, its items as a source, and the stage that makes them rows. */
export interface TableExport {
  table: string;
  keyNames: string[];
  columns: ItemColumn[];
  schema: Schema;
  /** Items scanned when the schema was inferred (the spool's), else undefined until `items` ran. */
  scannedItems: number | undefined;
  /** Spool bytes (inferred schema only). */
  spoolBytes: number;
  /** The items: the spool (inferred schema) or the parallel scan (declared schema). Read once. */
  items: Source<Item>;
  /** Items -> rows in schema order; a misfit is a `RecordError` (rejects) naming the item's key. */
  toRows: Stage<Item, Value[]> & { readonly attributesNotInSchema: string[] };
  /** Deletes the spool. Call when done, whatever happened. */
  close(): Promise<void>;
}

/**
 * A DynamoDB table as rows for a Parquet dataset (seed 004): parallel Scan (`segments`, `consistentRead`,
 * pages retried with backoff) or the given `items` (the native export), exact values (`itemRows`), and a schema declared or inferred over every
 * item. With an inferred schema this function runs the scan (into the spool) before it returns.
 */
export async function exportTable(
  client: DynamoDBClient,
  table: string,
  ctx: RunContext,
  options: TableExportOptions = {},
): Promise<TableExport> {
  const key = await tableKey(client, table);
  const keyNames = key.sortKey ? [key.partitionKey, key.sortKey] : [key.partitionKey];
  const scan = options.items ?? scanSource(client, table, options);
  let columns: ItemColumn[];
  let items: Source<Item> = scan;
  let spool: ItemSpool | undefined;
  if (options.schema) columns = declaredColumns(options.schema.fields);
  else {
    // Spools of runs killed outright (no cleanup ran) would fill the disk run after run.
    const parent = options.spoolDir ?? tmpdir();
    const swept = await sweepStaleSpools(parent);
    if (swept.length > 0) ctx.logger.warn({ swept }, `deleted ${swept.length} item spools of killed runs below ${parent}`);
    spool = await ItemSpool.create(parent);
    // The items are read here, once: counted as the run's rows read now, so a run that fails after the
    // scan (a refused type change) says how many it read; the spool's reading again is a stage.
    const scanned = ctx.counters.component(scan.name, 'reader');
    try {
      const inference = new ItemSchemaInference();
      for await (const page of openBatches(scan, ctx)) {
        for (const item of page) inference.add(item);
        scanned.rowsIn += page.length;
        scanned.rowsOut += page.length;
        await spool.write(page);
      }
      await spool.finish();
      columns = inference.columns(keyNames);
      ctx.logger.info(
        { table, items: spool.items, spoolBytes: spool.bytes, columns: columns.length },
        `${table}: ${spool.items} items scanned, schema inferred over all of them (${columns.length} columns)`,
      );
    } catch (error) {
      await spool.remove();
      throw error;
    }
    const from = spool;
    items = { name: `spool:${table}`, readByReader: true, open: () => from.read() };
  }
  const rows = itemRows(columns, keyNames, { table });
  const declared = options.schema ? new Set(columns.map((c) => c.attribute)) : undefined;
  const outside = new Set<string>();
  return {
    table,
    keyNames,
    columns,
    schema: { fields: columns.map((c) => c.field) },
    scannedItems: spool?.items,
    spoolBytes: spool?.bytes ?? 0,
    items,
    toRows: {
      name: 'item-rows',
      process(item) {
        if (declared) for (const name in item) if (!declared.has(name)) outside.add(name);
        return rows.toRow(item);
      },
      get attributesNotInSchema() {
        return [...outside].sort();
      },
    },
    close: async () => {
      await spool?.remove();
    },
  };
}

/** A source's batches as an async iterable (a source may open to a `Readable` of batches). */
function openBatches(source: Source<Item>, ctx: RunContext): AsyncIterable<readonly Item[]> {
  return source.open(ctx) as AsyncIterable<readonly Item[]>;
}
