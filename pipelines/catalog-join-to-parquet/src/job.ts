import { registerTablesFile, selectTables, type Catalog, type TableDefinition } from '@etl/catalog';
import { describeError } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { isoMicros } from '@etl/schema';
import { keyJoin } from '@etl/spill';
import { tableSchema } from '@etl/table-reader';
import { defineJob, openCatalog } from '@etl/runtime';
import { catalogJoinArgs, SAMPLE_DATABASE, sampleDir, type CatalogJoinConfig } from './config.js';
import { writeOutput } from './join-output.js';
import { parseJoinKeys, planJoin, type JoinPlan } from './join-plan.js';
import { registerOutput } from './register-output.js';
import { tableInput } from './table-input.js';
import { readWatermarks, watermarkOf, writeWatermarks } from './watermark-file.js';

type Config = CatalogJoinConfig;

/** The catalog holding the database: the embedded file catalog for the sample, else Glue when AWS is configured. */
function sourceCatalog(config: Config, objects: ObjectStore, env: NodeJS.ProcessEnv): Catalog {
  return openCatalog({ env, objects, localDir: config.local_dir, embedded: config.database_name === SAMPLE_DATABASE });
}

function plan(config: Config, tables: readonly TableDefinition[]): JoinPlan {
  return planJoin(
    tables.map((t) => ({ name: t.name, schema: tableSchema(t) })),
    {
      joinKey: config.join_key,
      joinKeys: parseJoinKeys(config.join_keys),
      type: config.join_type,
      drivingTable: config.driving_table,
    },
  );
}

/**
 * Seed 002: every table of a catalog database (or --tables) joined on one key into Parquet, one
 * `load_date=…/run_id=…/` folder per run, published atomically. With no timestamp file the run is a
 * full load; with one, the run re-emits the complete joined rows of exactly the keys that changed in
 * any table since that table's watermark. Watermarks move, every table's at once, only after the
 * output is published. Memory: the join's (--memory_mb) plus one row group being read and one being written.
 */
export const catalogJoinJob = defineJob({
  name: 'catalog-join-to-parquet',
  description:
    'Every table of a Glue database joined on account_id (inner, left or full) into Parquet; full load, or incremental by per-table updated_at watermarks re-emitting complete joined rows of the changed keys (seed 002)',
  args: catalogJoinArgs,
  async check(config: Config, { objects, env }) {
    const problems: string[] = [];
    try {
      parseJoinKeys(config.join_keys);
    } catch (error) {
      problems.push(describeError(error).message);
    }
    await readWatermarks(objects, config.timestamp_s3_path).catch((error: Error) =>
      problems.push(`--timestamp_s3_path: ${describeError(error).message}`),
    );
    if (config.database_name !== SAMPLE_DATABASE && problems.length === 0)
      try {
        plan(config, (await selectTables(sourceCatalog(config, objects, env), config.database_name, config.tables)).selected);
      } catch (error) {
        problems.push(`--database_name ${config.database_name}: ${describeError(error).message}`);
      }
    return problems;
  },
  async run(config: Config, ctx, { objects, env }) {
    const catalog = sourceCatalog(config, objects, env);
    if (config.database_name === SAMPLE_DATABASE) await registerTablesFile(catalog, SAMPLE_DATABASE, sampleDir);
    const { all, selected: tables } = await selectTables(catalog, config.database_name, config.tables);
    const planned = plan(config, tables);
    const watermarks = await readWatermarks(objects, config.timestamp_s3_path, ctx.signal);
    const mode = watermarks ? 'incremental' : 'full';
    const byName = new Map(tables.map((t) => [t.name, t]));
    const inputs = planned.tables.map((p) => {
      const table = byName.get(p.name) as TableDefinition;
      if (mode === 'incremental' && !tableSchema(table).fields.some((f) => f.name === config.change_column))
        ctx.logger.warn({ table: p.name }, `${p.name} has no ${config.change_column} column: every key of it counts as changed each run`);
      return tableInput(
        {
          store: objects,
          catalog,
          table,
          planned: p,
          normalisation: planned.normalisation,
          changeColumn: config.change_column,
          watermark: mode === 'full' ? undefined : (watermarkOf(watermarks, p.name) ?? null),
        },
        ctx,
      );
    });
    ctx.logger.info(
      { tables: planned.tables.map((t) => t.name), mode, joinType: config.join_type, prefixed: planned.prefixed },
      `${mode} load: ${config.join_type} join of ${planned.tables.length} tables of ${config.database_name} on ${config.join_key}`,
    );

    let failedTable: string | undefined;
    const joinedRows = keyJoin(
      inputs.map((i) => i.input),
      {
        type: config.join_type,
        maxFanout: config.max_fanout,
        memoryBytes: config.memory_mb * 1024 * 1024,
        ...(config.temp_dir ? { tempDir: config.temp_dir } : {}),
        signal: ctx.signal,
        skipFailedInput: (table, error) => {
          const reason = describeError(error).message;
          if (config.on_table_error === 'fail') {
            failedTable = table;
            return false;
          }
          ctx.logger.error(
            { table, error: describeError(error) },
            `${table} left out of the join (--on_table_error skip), its watermark unchanged: ${reason}`,
          );
          return true;
        },
      },
    );
    const figures = inputs.map((i) => i.figures);
    const output = await writeOutput(config, ctx, objects, {
      joined: joinedRows,
      planned,
      tables,
      figures,
      failedTable: () => failedTable,
      replan: (kept) => plan(config, kept),
    });
    if (output.result && config.catalog_database) await registerOutput(catalog, config, output.result, output.schema, ctx);

    // Published (or nothing to publish): every joined table's watermark moves to what it held.
    const next = new Map(watermarks?.tables ?? []);
    if (watermarks?.all !== undefined) for (const t of all) if (!next.has(t.name)) next.set(t.name, watermarks.all);
    for (const f of figures) if (!f.skipped && f.latestChange !== undefined) next.set(f.table, f.latestChange);
    const changed = [...next].some(([t, v]) => watermarks?.tables.get(t) !== v) || watermarks?.all !== undefined;
    if (changed && next.size > 0) await writeWatermarks(objects, config.timestamp_s3_path, next);

    const skipped = figures.filter((f) => f.skipped !== undefined).map((f) => f.table);
    return {
      outputs: {
        data: config.output_path,
        watermarks: config.timestamp_s3_path,
        ...(output.manifest ? { manifest: output.manifest } : {}),
      },
      figures: {
        database: config.database_name,
        mode,
        joinType: config.join_type,
        joinKey: config.join_key,
        rowsOut: joinedRows.counts.rowsOut,
        keysOut: joinedRows.counts.keysOut,
        maxFanout: joinedRows.counts.maxFanout,
        spilledRows: joinedRows.counts.spilledRows,
        published: output.manifest !== undefined,
        manifest: output.manifest ?? null,
        tablesSkipped: skipped,
        columns: output.columns,
        tables: figures.map((f) => ({
          ...f,
          watermarkBefore: f.watermarkBefore === undefined ? null : isoMicros(f.watermarkBefore),
          latestChange: f.latestChange === undefined ? null : isoMicros(f.latestChange),
          watermarkAfter: next.has(f.table) ? isoMicros(next.get(f.table) as bigint) : null,
        })),
      },
    };
  },
});
