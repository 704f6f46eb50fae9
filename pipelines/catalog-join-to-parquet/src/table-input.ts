import type { Catalog, TableDefinition } from '@etl/catalog';
import { openRows } from '@etl/convert';
import { RecordError, writeRejects, type RunContext } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import type { Field, Value } from '@etl/schema';
import type { KeyJoinInput } from '@etl/spill';
import { instantOf, tableFiles, tableRows, tableSchema } from '@etl/table-reader';
import { normaliseKey, type KeyNormalisation, type PlannedTable } from '@etl/join';

/** One table's line of the run report, filled as its rows are read. */
export interface TableFigures {
  table: string;
  joinKey: string;
  files: number;
  rowsRead: number;
  /** Rows whose key was null or empty: in the rejects, not joined. */
  rowsRejectedForKey: number;
  /** Incremental: rows changed since the table's watermark (their keys are re-emitted). */
  rowsChanged: number | null;
  keysRepeated: number;
  rowsInRepeatedKeys: number;
  watermarkBefore: bigint | undefined;
  /** The greatest change time read: the table's next watermark once the output is published. */
  latestChange: bigint | undefined;
  /** Why the table was left out (`--on_table_error skip`). */
  skipped?: string;
}

export interface TableInputOptions {
  store: ObjectStore;
  catalog: Catalog;
  table: TableDefinition;
  planned: PlannedTable;
  normalisation: KeyNormalisation;
  changeColumn: string;
  /** Incremental runs: the table's watermark, or null when it has none yet (every row is a change). Full runs: undefined. */
  watermark: bigint | null | undefined;
}

/**
 * A table as an input of `keyJoin`: its rows (files listed when first read, so a table that cannot
 * be listed fails as its input), the key normalised in place, rows with a null or empty key written
 * to the rejects with the table and reason instead, and, in an incremental run, which rows changed
 * after the watermark (a table without the change column: every row).
 */
export function tableInput(options: TableInputOptions, ctx: RunContext): { input: KeyJoinInput; figures: TableFigures } {
  const { store, catalog, table, planned, normalisation } = options;
  const schema = tableSchema(table);
  const changeIndex = schema.fields.findIndex((f) => f.name === options.changeColumn);
  const changeField = schema.fields[changeIndex] as Field | undefined;
  const figures: TableFigures = {
    table: table.name,
    joinKey: planned.keyName,
    files: 0,
    rowsRead: 0,
    rowsRejectedForKey: 0,
    rowsChanged: options.watermark === undefined ? null : 0,
    keysRepeated: 0,
    rowsInRepeatedKeys: 0,
    watermarkBefore: options.watermark ?? undefined,
    latestChange: undefined,
  };
  const metrics = ctx.counters.component(`join-key:${table.name}`, 'stage');
  const changeAt = (row: readonly Value[]) => (changeField ? instantOf(row[changeIndex] ?? null, changeField) : undefined);

  async function* rows(): AsyncGenerator<Value[][]> {
    const files = await tableFiles(store, catalog, table, { signal: ctx.signal });
    figures.files = files.length;
    const read = tableRows(store, table, files, { ctx, openText: openRows });
    for await (const batch of read.batches()) {
      figures.rowsRead += batch.length;
      metrics.rowsIn += batch.length;
      const kept: Value[][] = [];
      const rejects: RecordError[] = [];
      for (const row of batch) {
        const at = changeAt(row);
        if (at !== undefined && (figures.latestChange === undefined || at > figures.latestChange)) figures.latestChange = at;
        const raw = row[planned.keyColumn] ?? null;
        const key = normaliseKey(raw, normalisation, planned.keyKind);
        if (key === undefined) {
          rejects.push(
            new RecordError({
              code: 'NULL_NOT_ALLOWED',
              reason: `table ${table.name}: join key ${planned.keyName} is ${raw === null ? 'null' : 'empty'}; the row joins nothing`,
              file: `${table.database}.${table.name}`,
              column: planned.keyName,
              ...(raw === null ? {} : { raw: String(raw) }),
            }),
          );
          continue;
        }
        row[planned.keyColumn] = key;
        kept.push(row);
      }
      figures.rowsRejectedForKey += rejects.length;
      if (rejects.length > 0) await writeRejects(ctx, metrics, `join-key:${table.name}`, rejects);
      metrics.rowsOut += kept.length;
      if (kept.length > 0) yield kept;
    }
  }

  const watermark = options.watermark;
  const changed =
    watermark === undefined
      ? undefined
      : (row: readonly Value[]): boolean => {
          if (watermark === null || !changeField) return true;
          const at = changeAt(row);
          return at !== undefined && at > watermark;
        };
  return {
    input: {
      name: table.name,
      rows: rows(),
      keyColumn: planned.keyColumn,
      columns: schema.fields.length,
      ...(changed ? { changed } : {}),
    },
    figures,
  };
}
