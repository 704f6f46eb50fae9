import { planTableChange, publishTable, refusedChange, type Catalog, type TableDefinition } from '@etl/catalog';
import type { RunContext } from '@etl/core';
import { hiveType, type DatasetResult } from '@etl/dataset';
import type { CatalogJoinConfig } from './config.js';
import type { JoinPlan } from '@etl/join';

const PARTITION_KEYS = [
  { name: 'load_date', type: 'string' },
  { name: 'run_id', type: 'string' },
];

/** The output as one catalog table: `<output_path>/`, partitioned by `load_date` and `run_id`. */
function outputTable(config: CatalogJoinConfig, schema: JoinPlan['schema']): TableDefinition {
  return {
    database: config.catalog_database as string,
    name: config.catalog_table ?? `${config.database_name}_joined`,
    format: 'parquet',
    location: `${config.output_path.replace(/\/$/, '')}/`,
    columns: schema.fields.map((f) => ({ name: f.name, type: hiveType(f.type) })),
    partitionKeys: PARTITION_KEYS,
  };
}

/**
 * Why the catalog would refuse this output (one line), or undefined: asked before any data is written,
 * so a type conflict refuses the run instead of failing it after the publish, every rerun again.
 */
export async function refusedRegistration(
  catalog: Catalog,
  config: CatalogJoinConfig,
  schema: JoinPlan['schema'],
): Promise<string | undefined> {
  const wanted = outputTable(config, schema);
  const change = planTableChange(await catalog.getTable(wanted.database, wanted.name), wanted);
  const refused = refusedChange(change, wanted, false, JOIN_REMEDIES);
  return refused && `--catalog_database: ${refused}`;
}

/** This pipeline has neither --allow_type_change nor --schema: a table of other types is registered elsewhere or rebuilt. */
const JOIN_REMEDY = 'register under another --catalog_table, or drop that table and run with --load_type full';
const JOIN_REMEDIES = { partitioning: JOIN_REMEDY, types: JOIN_REMEDY };

/**
 * The output as one catalog table (Athena reads every run's folder): `<output_path>/`, partitioned by
 * `load_date` and `run_id`, this run's folder added as a partition. After the publish and before the
 * watermarks: a run that fails here moved none, and the rerun registers its own folder.
 */
export async function registerOutput(
  catalog: Catalog,
  config: CatalogJoinConfig,
  result: DatasetResult,
  schema: JoinPlan['schema'],
  ctx: RunContext,
): Promise<void> {
  const [, loadDate = '', runId = ''] = /load_date=([^/]+)\/run_id=([^/]+)\/?$/.exec(result.generation) ?? [];
  const table = outputTable(config, schema);
  await publishTable(catalog, table, [{ values: [loadDate, runId], location: `${result.generation.replace(/\/$/, '')}/` }], {
    logger: ctx.logger,
  });
  ctx.logger.info(
    { table: `${table.database}.${table.name}`, partition: [loadDate, runId] },
    `registered the run in ${table.database}.${table.name}`,
  );
}
