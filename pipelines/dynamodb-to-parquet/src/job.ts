import { from, runPipeline, sinkWritable, TerminalError } from '@etl/core';
import { planTableChange, publishTable, refusedChange, type TableDefinition } from '@etl/catalog';
import { datasetSink, datasetTable } from '@etl/dataset';
import { declaredColumns, exportTable, segmentsForSize, tableNameProblem, tableSize } from '@etl/dynamodb';
import { readText } from '@etl/object-store';
import { defineJob } from '@etl/runtime';
import { cleanColumnNames, parseSchemaFile, type Schema } from '@etl/schema';
import { bundledSample, exportArgs, SAMPLE_KEY, SAMPLE_TABLE } from './config.js';
import { baseExportProblems, exportAnnotations, nativeExportItems, nativeExportProblems } from './native-export.js';
import { partitionProblems, partitionSpecs } from './partition-specs.js';
import { populate } from './populate.js';

const MiB = 1024 * 1024;

/**
 * Seed 004: a DynamoDB table -> a partitioned Snappy Parquet dataset (a new generation each run,
 * published atomically) -> its catalog table and partitions, no crawler. Scan (parallel segments,
 * exact values) -> item rows (schema declared, or inferred over every item through a spool) ->
 * dataset -> catalog.
 */
export const exportJob = defineJob({
  name: 'dynamodb-to-parquet',
  description:
    'Exports a DynamoDB table by parallel Scan to Hive-partitioned Snappy Parquet (schema inferred over every item, or declared), published atomically, and registers it in the catalog (seed 004)',
  args: exportArgs,
  async check(config, { objects }) {
    const problems: string[] = [];
    const tableName = tableNameProblem(config.table);
    if (tableName) problems.push(`--table: ${tableName}`);
    let schema: Schema | undefined;
    if (config.schema) {
      const parsed = await readText(objects, config.schema).then(
        (text) => parseSchemaFile(text, config.schema as string),
        (error: Error) => error,
      );
      if (parsed instanceof Error) problems.push(`--schema: ${parsed.message}`);
      else schema = parsed;
    }
    const units: string[] = [];
    for (const spec of (config.partition_by ?? '').split(',').filter((s) => s.trim() !== '')) {
      const unit = spec.split(':')[1];
      if (unit !== undefined && !['year', 'month', 'day'].includes(unit.trim()))
        units.push(`--partition_by: ${spec.trim()}: the unit must be year, month or day`);
    }
    problems.push(...units);
    // A declared schema names every column: a misspelt partition attribute is found before the scan, not after it.
    if (schema && units.length === 0) problems.push(...partitionProblems(config.partition_by, declaredColumns(schema.fields)));
    if (config.catalog_table && !config.catalog_database) problems.push('--catalog_table: give --catalog_database too');
    const native = nativeExportProblems(config);
    return [...problems, ...native, ...(native.length === 0 ? await baseExportProblems(config, objects) : [])];
  },
  async run(config, ctx, { objects, connections }) {
    const client = await connections.dynamodb();
    const size = await tableSize(client, config.table, ctx.signal).catch(async (error: unknown) => {
      // The sample run fills its embedded table from the bundled CSV the first time.
      if ((error as { code?: string }).code !== 'NOT_FOUND' || config.table !== SAMPLE_TABLE) throw error;
      const args = { table: SAMPLE_TABLE, source: bundledSample, key: SAMPLE_KEY, create_table: 'yes' as const, max_concurrency: 4 };
      await populate(args, ctx, { objects, client });
      return tableSize(client, config.table, ctx.signal);
    });
    const segments = config.segments > 0 ? config.segments : segmentsForSize(size.bytes);
    const declared = config.schema ? parseSchemaFile(await readText(objects, config.schema), config.schema) : undefined;
    const native = config.method === 'export' ? await nativeExportItems(client, objects, config, ctx) : undefined;
    const exported = await exportTable(client, config.table, ctx, {
      ...(native ? { items: native.items } : {}),
      segments,
      consistentRead: config.consistent_read,
      ...(declared ? { schema: declared } : {}),
      ...(config.spool_dir ? { spoolDir: config.spool_dir } : {}),
    });
    try {
      if (exported.scannedItems === 0) {
        // As every pipeline's empty input: a success with a warning, nothing published (no schema to write a file or a table with).
        ctx.logger.warn(
          { table: config.table },
          `${config.table} has no items: nothing published; the previous export, if any, stays current`,
        );
        return { figures: { table: config.table, method: config.method, itemsScanned: 0, rows: 0, files: 0, published: false } };
      }
      // The inferred schema is known once every item is read: still before anything is written or published.
      const partitionProblem = partitionProblems(config.partition_by, exported.columns);
      if (partitionProblem.length > 0) throw new TerminalError('BAD_ARGUMENT', partitionProblem.join('; '));
      const partitionBy = partitionSpecs(config.partition_by, exported.columns);
      // The catalog's table before anything is written: its answer to this schema, and the generation it points at now.
      const catalog = config.catalog_database ? connections.catalog() : undefined;
      const tableName = config.catalog_table ?? (cleanColumnNames([config.table])[0] as string);
      const existing = catalog ? await catalog.getTable(config.catalog_database as string, tableName) : undefined;
      // Identity partition columns live in the folder names only: Glue and Athena refuse a partition key that is also a data column.
      const datasetOptions = {
        prefix: config.output_path,
        schema: exported.schema,
        partitionBy,
        dropPartitionColumns: true,
        targetFileBytes: config.target_file_mb * MiB,
        // Never delete the generation the catalog table reads, even when an earlier run's catalog step failed or was
        // killed after its publish: it is kept (and named in the manifest, so no sweep takes it) until the catalog moves on.
        ...(existing?.location ? { retainGenerations: [existing.location] } : {}),
        // The point in time a native export's output reflects, for readers and for choosing the next window's --since.
        ...(native ? { annotations: exportAnnotations(native.figures) } : {}),
      };
      const sink = datasetSink(objects, datasetOptions);

      const wanted = (generation: string, partitions: string[]): TableDefinition => ({
        database: config.catalog_database as string,
        name: tableName,
        format: 'parquet',
        parameters: { classification: 'parquet', source_dynamodb_table: config.table, updated_by: 'dynamodb-to-parquet' },
        ...datasetTable({ generation, partitions }, datasetOptions),
      });
      if (catalog) {
        // A refused type change is exit 1 with nothing published.
        const plan = planTableChange(existing, wanted(config.output_path, []));
        const refused = refusedChange(plan, wanted(config.output_path, []), config.allow_type_change);
        if (refused) throw new TerminalError('CONFLICT', refused);
      }

      await runPipeline(
        from(exported.items)
          .through(exported.toRows)
          .into(sinkWritable(sink, ctx, { maxInFlight: 1 })),
        ctx,
      );
      const result = sink.result;
      if (!result) throw new TerminalError('INTERNAL', 'the dataset was not published');

      let catalogFigures: Record<string, unknown> = {};
      if (catalog) {
        const table = wanted(result.generation, result.partitions);
        const { partitions, ...definition } = table as TableDefinition & { partitions: Array<{ values: string[]; location: string }> };
        const change = await publishTable(catalog, definition, partitions, {
          allowTypeChange: config.allow_type_change,
          replacePartitions: true, // a snapshot: partitions this run did not write would read an older run's folder
          logger: ctx.logger,
        });
        catalogFigures = {
          catalogTable: `${config.catalog_database}.${tableName}`,
          catalogAction: change.action,
          catalogColumnsAdded: change.added,
          catalogPartitions: partitions.length,
          catalogPartitionsDropped: change.droppedPartitions,
        };
      }
      const figures = {
        table: config.table,
        method: config.method,
        ...(native ? native.figures : { segments }),
        tableSizeBytes: size.bytes,
        itemsScanned: exported.scannedItems ?? ctx.counters.component(exported.items.name, 'source').rowsOut,
        schema: declared ? 'declared' : 'inferred',
        columns: exported.columns.map(
          (c) =>
            `${c.field.name} ${c.field.type.kind === 'decimal' ? `decimal(${c.field.type.precision},${c.field.type.scale})` : c.field.type.kind}${c.field.nullable ? '' : ' not null'}`,
        ),
        attributesNotInSchema: exported.toRows.attributesNotInSchema,
        spoolBytes: exported.spoolBytes,
        rows: result.rows,
        rejected: ctx.rejects.count,
        files: result.files.length,
        partitions: result.partitions.length,
        bytes: result.bytes,
        generation: result.generation,
        manifest: result.manifest,
        ...catalogFigures,
      };
      ctx.logger.info(
        figures,
        `${config.table}: ${figures.itemsScanned} items (${native ? 'native export' : `${segments} scan segments`}) -> ${result.rows} rows in ${result.files.length} files, ${result.partitions.length} partitions, ${ctx.rejects.count} rejected; published ${result.manifest}`,
      );
      return { outputs: { dataset: config.output_path, manifest: result.manifest }, figures };
    } finally {
      await exported.close();
    }
  },
});
