import { pickTables, readTablesFile, registerTablesFile, selectTables, type Catalog, type TableDefinition } from '@etl/catalog';
import { describeError, TerminalError } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { isoMicros } from '@etl/schema';
import { keyJoin } from '@etl/spill';
import { tableSchema } from '@etl/table-reader';
import { defineJob, openCatalog } from '@etl/runtime';
import { catalogJoinArgs, SAMPLE_DATABASE, sampleDir, type CatalogJoinConfig } from './config.js';
import { readDefinition, writeDefinition } from './definition-file.js';
import { writeOutput } from './join-output.js';
import { changedDefinition, joinDefinition, parseJoinKeys, planJoin, type JoinPlan } from '@etl/join';
import { refusedRegistration, registerOutput } from './register-output.js';
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
    const watermarks = await readWatermarks(objects, config.timestamp_s3_path).catch((error: Error) => {
      problems.push(`--timestamp_s3_path: ${describeError(error).message}`);
    });
    if (problems.length > 0) return problems;
    let planned: JoinPlan;
    try {
      // The sample's tables are registered by the run: its tables file says what they are.
      const tables =
        config.database_name === SAMPLE_DATABASE
          ? pickTables(SAMPLE_DATABASE, await readTablesFile(sampleDir, SAMPLE_DATABASE), config.tables).selected
          : (await selectTables(sourceCatalog(config, objects, env), config.database_name, config.tables)).selected;
      planned = plan(config, tables);
    } catch (error) {
      // Problems that name their argument stand as they are; the others are the database's.
      const { message } = describeError(error);
      return [message.startsWith('--') ? message : `--database_name ${config.database_name}: ${message}`];
    }
    // The catalog's answer to the output's columns, before anything is written (a type conflict found after the publish would recur every rerun).
    if (config.catalog_database) {
      const refused = await refusedRegistration(sourceCatalog(config, objects, env), config, planned.schema);
      if (refused) problems.push(refused);
    }
    if (watermarks && config.load_type === 'incremental') {
      const changed = changedDefinition(await readDefinition(objects, config.timestamp_s3_path), joinDefinition(planned, config.join_key));
      if (changed) problems.push(changed);
    }
    return problems;
  },
  async run(config: Config, ctx, { objects, env }) {
    const catalog = sourceCatalog(config, objects, env);
    if (config.database_name === SAMPLE_DATABASE) await registerTablesFile(catalog, SAMPLE_DATABASE, sampleDir);
    const { all, selected: tables } = await selectTables(catalog, config.database_name, config.tables);
    const planned = plan(config, tables);
    const watermarks = await readWatermarks(objects, config.timestamp_s3_path, ctx.signal);
    const mode = watermarks && config.load_type === 'incremental' ? 'incremental' : 'full';
    // The join the published runs were made with: an incremental run of another join would mix the two (check refuses it).
    const definition = joinDefinition(planned, config.join_key);
    const recorded = await readDefinition(objects, config.timestamp_s3_path, ctx.signal);
    if (mode === 'incremental') {
      const changed = changedDefinition(recorded, definition);
      if (changed) throw new TerminalError('CONFIG', changed);
      if (!recorded)
        ctx.logger.info({ definition: definition.readable }, `no join definition recorded yet: this run records ${definition.readable}`);
    } else if (recorded && recorded.fingerprint !== definition.fingerprint)
      ctx.logger.info(
        { was: recorded.readable, now: definition.readable },
        `the join changed (was: ${recorded.readable}): this full load re-emits every key under ${definition.readable}`,
      );
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
      checkOutput: async (schema) => {
        const refused = config.catalog_database ? await refusedRegistration(catalog, config, schema) : undefined;
        if (refused) throw new TerminalError('CONFLICT', `${refused}; nothing published, watermarks unchanged`);
      },
      annotations: { join_definition: definition.readable, join_fingerprint: definition.fingerprint },
    });
    if (output.result && config.catalog_database) await registerOutput(catalog, config, output.result, output.schema, ctx);

    // Published (or nothing to publish): every joined table's watermark moves to what it held.
    const next = new Map(watermarks?.tables ?? []);
    if (watermarks?.all !== undefined) for (const t of all) if (!next.has(t.name)) next.set(t.name, watermarks.all);
    for (const f of figures) if (!f.skipped && f.latestChange !== undefined) next.set(f.table, f.latestChange);
    const changed = [...next].some(([t, v]) => watermarks?.tables.get(t) !== v) || watermarks?.all !== undefined;
    // The definition before the watermarks: killed between the two, the rerun finds the join it publishes
    // recorded and re-emits the keys changed since the older watermarks (the same rows again), never a mix.
    if (recorded?.fingerprint !== definition.fingerprint) await writeDefinition(objects, config.timestamp_s3_path, definition, ctx.runId);
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
        joinDefinition: definition.readable,
        joinFingerprint: definition.fingerprint,
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
