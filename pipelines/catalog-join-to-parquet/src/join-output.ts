import type { TableDefinition } from '@etl/catalog';
import { checkRejectRatio, describeError, TerminalError, type RunContext } from '@etl/core';
import { ParquetDataset, type DatasetResult } from '@etl/dataset';
import type { ObjectStore } from '@etl/object-store';
import { isoMicros, type Value } from '@etl/schema';
import { KeyFanoutError, type KeyJoin } from '@etl/spill';
import { tableSchema } from '@etl/table-reader';
import type { CatalogJoinConfig } from './config.js';
import type { JoinPlan } from '@etl/join';
import type { TableFigures } from './table-input.js';

/**
 * The join into `<output_path>/load_date=…/run_id=…/`: the dataset is opened once the join has read
 * every table (a table left out changes the columns), rows projected to the plan's columns, published
 * only when every table was read, no key fanned out beyond --max_fanout and the rejects are within
 * bounds; anything else aborts it (nothing of the run stays) and fails the run.
 */
export async function writeOutput(
  config: CatalogJoinConfig,
  ctx: RunContext,
  objects: ObjectStore,
  job: {
    joined: KeyJoin;
    planned: JoinPlan;
    tables: TableDefinition[];
    figures: TableFigures[];
    failedTable: () => string | undefined;
    replan: (tables: readonly TableDefinition[]) => JoinPlan;
    /** Refuses the output's columns before any is written (the catalog's answer to them): a table left out changes them. */
    checkOutput: (schema: JoinPlan['schema']) => Promise<void>;
    /** Written into the run's manifest besides each table's latest change. */
    annotations: Record<string, string>;
  },
): Promise<{ manifest?: string; result?: DatasetResult; schema: JoinPlan['schema']; columns: string[] }> {
  const { joined, figures } = job;
  let dataset: ParquetDataset | undefined;
  let project: ((row: Value[]) => Value[]) | undefined;
  let final = job.planned;
  const open = async () => {
    const counts = joined.counts.inputs;
    counts.forEach((c, i) => Object.assign(figures[i] as TableFigures, c.skipped === undefined ? {} : { skipped: c.skipped }));
    const kept = job.planned.tables.filter((_, i) => counts[i]?.skipped === undefined);
    if (kept.length < job.planned.tables.length) final = job.replan(job.tables.filter((t) => kept.some((k) => k.name === t.name)));
    // Output row of the join: [key, ...each input's whole row]; each input's row starts after the ones before it.
    const offsets: number[] = [];
    let offset = 1;
    for (const t of job.planned.tables) {
      offsets.push(offset);
      offset += tableSchema(job.tables.find((d) => d.name === t.name) as TableDefinition).fields.length;
    }
    const picks = [0];
    for (const t of final.tables) {
      const start = offsets[job.planned.tables.findIndex((p) => p.name === t.name)] as number;
      for (const c of t.columns) picks.push(start + c.index);
    }
    project = (row) => picks.map((i) => row[i] ?? null);
    await job.checkOutput(final.schema);
    dataset = new ParquetDataset(objects, {
      prefix: config.output_path,
      schema: final.schema,
      mode: 'append',
      generation: `load_date=${ctx.clock.now().toISOString().slice(0, 10)}/run_id={runId}`,
    });
    await dataset.connect(ctx);
  };
  try {
    for await (const batch of joined) {
      if (!dataset) await open();
      await dataset?.writeRows(batch.map((row) => (project as (row: Value[]) => Value[])(row)));
    }
    if (!dataset) await open();
    joined.counts.inputs.forEach((c, i) =>
      Object.assign(figures[i] as TableFigures, {
        keysRepeated: c.keysRepeated,
        rowsInRepeatedKeys: c.rowsInRepeatedKeys,
        ...(figures[i]?.rowsChanged === null ? {} : { rowsChanged: c.rowsChanged }),
      }),
    );
    for (const f of figures)
      if (f.keysRepeated > 0)
        ctx.logger.info(
          { table: f.table, keysRepeated: f.keysRepeated, rowsInRepeatedKeys: f.rowsInRepeatedKeys },
          `${f.table}: ${f.keysRepeated} keys repeat (${f.rowsInRepeatedKeys} rows): they multiply the joined rows`,
        );
    const accepted = figures.reduce((n, f) => n + f.rowsRead - f.rowsRejectedForKey, 0);
    checkRejectRatio(ctx, accepted, `the tables of ${config.database_name}`);
    const columns = final.schema.fields.map((f) => f.name);
    if (joined.counts.rowsOut === 0) {
      await dataset?.discard('no joined rows', ctx);
      // Nothing new is an incremental run's normal outcome; a full join with no rows is worth a warning.
      if (figures.some((f) => f.rowsChanged !== null))
        ctx.logger.info({ mode: 'incremental' }, 'no key changed since the watermarks: nothing published');
      else ctx.logger.warn({ mode: 'full' }, 'the join has no rows: nothing published');
      return { columns, schema: final.schema };
    }
    const annotations = {
      ...job.annotations,
      ...Object.fromEntries(
        figures.flatMap((f) =>
          f.skipped || f.latestChange === undefined ? [] : [[`latest_change:${f.table}`, isoMicros(f.latestChange)]],
        ),
      ),
    };
    const result = await (dataset as ParquetDataset).close(ctx, annotations);
    // ParquetDataset is used without the Sink wrapper: the run's rows written are counted here, once published.
    ctx.counters.component((dataset as ParquetDataset).options.name, 'sink').rowsOut += result.rows;
    ctx.logger.info(
      { manifest: result.manifest, rows: result.rows, files: result.files.length },
      `published ${result.rows} joined rows (${joined.counts.keysOut} keys) to ${result.generation}`,
    );
    return { manifest: result.manifest, result, schema: final.schema, columns };
  } catch (error) {
    await dataset?.abort(error, ctx);
    if (error instanceof KeyFanoutError)
      throw new TerminalError(
        'BAD_INPUT',
        `--max_fanout ${error.limit}: ${config.join_key} ${String(error.key)} would produce ${error.rowsOut} joined rows (${error.rowsPerInput.map((i) => `${i.name}: ${i.rows} rows`).join(', ')}); nothing published, watermarks unchanged`,
        { cause: error },
      );
    const table = job.failedTable();
    if (table && !ctx.signal.aborted)
      throw new TerminalError(
        'BAD_INPUT',
        `table ${table} failed (--on_table_error fail): ${describeError(error).message}; nothing published, watermarks unchanged`,
        { cause: error },
      );
    throw error;
  }
}
