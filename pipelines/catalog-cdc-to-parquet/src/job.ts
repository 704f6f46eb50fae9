import { pickTables, readTablesFile, registerTablesFile, selectTables, type Catalog } from '@etl/catalog';
import { latestPrimaryKeyFile, loadTable, primaryKeyProblems, readPrimaryKeys, type TableLoadReport } from '@etl/cdc';
import { describeError, TerminalError } from '@etl/core';
import { joinUri, type ObjectStore } from '@etl/object-store';
import { defineJob, openCatalog, type JobConfig } from '@etl/runtime';
import { catalogCdcArgs, SAMPLE_DATABASE, sampleDir } from './config.js';

type Config = JobConfig<typeof catalogCdcArgs> & { local_dir?: string };

/** The catalog holding the database: the embedded file catalog for the sample, else Glue when AWS is configured. */
function sourceCatalog(config: Config, objects: ObjectStore, env: NodeJS.ProcessEnv): Catalog {
  return openCatalog({ env, objects, localDir: config.local_dir, embedded: config.athena_database_name === SAMPLE_DATABASE });
}

/**
 * Seed 001: every table of a catalog database, deduplicated by its primary key and loaded
 * incrementally by `updated_at` into `<output_path>/<table>/changes/` and `current/`, one watermark
 * per table. Tables load one after another, each on its own: one that fails keeps its watermark and
 * the others go on; the run then fails (exit 1) naming each. Memory: one table's dedup (--memory_mb)
 * plus one Parquet row group being read and the row groups being written.
 */
export const catalogCdcJob = defineJob({
  name: 'catalog-cdc-to-parquet',
  description:
    'Every table of a Glue database, deduplicated by primary key and loaded incrementally (CDC by updated_at) into changes/ and current/ Parquet datasets, one watermark per table (seed 001)',
  args: catalogCdcArgs,
  async check(config: Config, { objects, env }) {
    const problems: string[] = [];
    // The publish deletes the generation the catalog still points at before the catalog is switched.
    if (config.catalog_database && config.keep_generations < 2)
      problems.push(
        '--keep_generations 1 with --catalog_database: Athena would read a deleted generation until <table> is switched; keep 2 or more',
      );
    const keyFile = await latestPrimaryKeyFile(objects, config.primary_key_s3_prefix).catch((error: Error) => error);
    let keys: Awaited<ReturnType<typeof readPrimaryKeys>> | undefined;
    if (keyFile instanceof Error) problems.push(`--primary_key_s3_prefix: ${keyFile.message}`);
    else if (!keyFile)
      problems.push(`--primary_key_s3_prefix: no primary-key CSV (table_name,primary_key) under ${config.primary_key_s3_prefix}`);
    else
      keys = await readPrimaryKeys(objects, config.primary_key_s3_prefix).catch((error: Error) => {
        problems.push(`--primary_key_s3_prefix: ${error.message}`);
        return undefined;
      });
    // The sample's tables are registered by the run: its tables file says which exist, so a mistyped --tables is refused here too.
    const tables = await (
      config.athena_database_name === SAMPLE_DATABASE
        ? readTablesFile(sampleDir, SAMPLE_DATABASE).then((all) => pickTables(SAMPLE_DATABASE, all, config.tables))
        : selectTables(sourceCatalog(config, objects, env), config.athena_database_name, config.tables)
    ).catch((error: Error) => {
      const { message } = describeError(error);
      problems.push(message.startsWith('--') ? message : `--athena_database_name: ${message}`);
      return undefined;
    });
    // A key column a table lacks would fail that table's load: said before anything runs.
    if (keys && tables)
      for (const problem of primaryKeyProblems(tables.selected, keys.keys))
        problems.push(`--primary_key_s3_prefix: ${keys.uri}: ${problem}`);
    return problems;
  },
  async run(config: Config, ctx, { objects, outputs, env, shard }) {
    const catalog = sourceCatalog(config, objects, env);
    if (config.athena_database_name === SAMPLE_DATABASE) await registerTablesFile(catalog, SAMPLE_DATABASE, sampleDir);
    // An array job's child loads the tables its shard owns by name; each table's outputs and watermark are its own.
    const { selected } = await selectTables(catalog, config.athena_database_name, config.tables);
    const tables = selected.filter((t) => shard.owns(t.name));
    const primaryKeys = await readPrimaryKeys(objects, config.primary_key_s3_prefix, { signal: ctx.signal });
    ctx.logger.info(
      { tables: tables.map((t) => t.name), primaryKeyFile: primaryKeys.uri },
      shard.size > 1
        ? `loading ${tables.length} of the ${selected.length} tables of ${config.athena_database_name}: those shard ${shard.index} of ${shard.size} owns`
        : `loading ${tables.length} tables of ${config.athena_database_name}`,
    );

    const results: Array<TableLoadReport | { table: string; failed: string }> = [];
    for (const table of tables) {
      try {
        const report = await loadTable(
          {
            store: objects,
            catalog,
            table,
            outputPath: config.output_path,
            cdcPath: config.cdc_path,
            primaryKey: primaryKeys.keys.get(table.name.toLowerCase()),
            loadType: config.load_type,
            lagSeconds: config.lag_seconds,
            memoryBytes: config.memory_mb * 1024 * 1024,
            keepGenerations: config.keep_generations,
            ...(config.temp_dir ? { tempDir: config.temp_dir } : {}),
            ...(config.catalog_database ? { register: { catalog, database: config.catalog_database } } : {}),
          },
          ctx,
        );
        results.push(report);
        ctx.logger.info(
          { ...report },
          `${table.name}: ${report.mode}, ${report.rowsRead} rows read (${report.rowsSkippedByStatistics} skipped by statistics), ${report.duplicatesRemoved} duplicates removed, ${report.rowsInChanges} in changes, ${report.rowsInCurrent ?? '-'} in current; watermark ${report.watermarkBefore ?? 'none'} -> ${report.watermarkAfter ?? 'none'}`,
        );
      } catch (error) {
        if (ctx.signal.aborted) throw error; // stopped: no other table starts
        const reason = describeError(error).message;
        results.push({ table: table.name, failed: reason });
        ctx.logger.error({ table: table.name, error: describeError(error) }, `${table.name} failed, its watermark unchanged: ${reason}`);
      }
    }

    const failed = results.filter((r): r is { table: string; failed: string } => 'failed' in r);
    const figures = {
      database: config.athena_database_name,
      primaryKeyFile: primaryKeys.uri,
      tablesFailed: failed.length,
      tables: results,
    };
    // The tables' lines are in the run report (a failed run's too: returned with its error) and beside it.
    const tablesReport = joinUri(outputs.runDir, 'tables.json');
    await objects.put(tablesReport, `${JSON.stringify(figures, null, 1)}\n`, { contentType: 'application/json' });
    return {
      outputs: { data: config.output_path, watermarks: config.cdc_path, tables: tablesReport },
      figures,
      ...(failed.length > 0
        ? {
            error: new TerminalError(
              'IO',
              `${failed.length} of ${tables.length} tables failed (${failed.map((f) => `${f.table}: ${f.failed}`).join('; ')}); the others were loaded, see ${tablesReport}`,
            ),
          }
        : {}),
    };
  },
});
