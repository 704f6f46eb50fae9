import type { Catalog, TableDefinition } from '@etl/catalog';
import { openRows } from '@etl/convert';
import { checkRejectRatio, rejectsSince, tallyOf, type RunContext } from '@etl/core';
import { readManifest, type DatasetManifest } from '@etl/dataset';
import { joinUri, type ObjectStore } from '@etl/object-store';
import { formatType, isoMicros, type Schema, type Value } from '@etl/schema';
import { dedupLatest } from '@etl/spill';
import { instantOf, tableFiles, tableRows, tableSchema, type TableRows } from '@etl/table-reader';
import { planLoad, type LoadPlan, type LoadType } from './load-plan.js';
import { lastPublishedChanges, publishedChanges, type ChangesRun } from './published-changes.js';
import { registerPublished } from './register-outputs.js';
import { TableOutputs } from './table-outputs.js';
import { readWatermark, watermarkMicros, watermarkUri, writeWatermark, type Watermark } from './watermark.js';

const MiB = 1024 * 1024;

export interface TableLoadOptions {
  store: ObjectStore;
  /** Where the table is defined (its partitions are listed there). */
  catalog: Catalog;
  table: TableDefinition;
  /** Outputs go to `<outputPath>/<table>/changes/` and `…/current/`. */
  outputPath: string;
  /** Watermarks are `<cdcPath>/<table>.json`. */
  cdcPath: string;
  /** Key columns; absent or empty: copied without dedup (changes only). */
  primaryKey?: readonly string[] | undefined;
  loadType: LoadType;
  /** The change column (default `updated_at`). */
  changeColumn?: string;
  /** Rows committed up to this many seconds after rows of a later `updated_at` are still caught (default 0). */
  lagSeconds?: number;
  /**
   * Memory for dedup (default 256 MiB, at least 32 MiB): an incremental load runs two spilling dedups
   * at once (against the current state, then to find what changed), each with half; beyond it rows are
   * hash-partitioned to spill files in `tempDir`.
   */
  memoryBytes?: number;
  tempDir?: string;
  /** Generations of `current/` kept, the new one included (default 2). */
  keepGenerations?: number;
  /** Folders of killed runs are swept once this old (the dataset writer's default: 24 hours). */
  staleAfterHours?: number;
  /** Register `<table>` (current) and `<table>_changes` in this catalog database after the publish. */
  register?: { catalog: Catalog; database: string };
}

/** One table's line of the run report. */
export interface TableLoadReport {
  table: string;
  mode: LoadType;
  primaryKey: string[] | null;
  files: number;
  rowsRead: number;
  rowsSkippedByStatistics: number;
  rowsBeforeWindow: number;
  /** Rows with a null change time an incremental load read and did not load (a full load loads them). */
  rowsWithoutChangeTime: number;
  duplicatesRemoved: number;
  rowsInChanges: number;
  /** Rows of the current state published; null for a table without a key. */
  rowsInCurrent: number | null;
  watermarkBefore: string | null;
  watermarkAfter: string | null;
  /** False when nothing new was read (nothing published, the watermark unchanged). */
  published: boolean;
  changes?: string;
  current?: string;
  warnings: string[];
}

/**
 * Loads one table: reads what changed since its watermark (less the lag), deduplicates by key
 * (greatest change time, then the row read last), compares with the published current state so a
 * re-read overlap adds nothing, publishes `changes` then `current`, registers them, and only then
 * writes the watermark: the greatest change time now published. Any failure publishes nothing of the
 * table and leaves its watermark; the error is thrown for the caller to report.
 */
export async function loadTable(options: TableLoadOptions, ctx: RunContext): Promise<TableLoadReport> {
  const { store, table } = options;
  const changeColumn = options.changeColumn ?? 'updated_at';
  const schema = tableSchema(table);
  const prefix = joinUri(options.outputPath, table.name);
  const markUri = watermarkUri(options.cdcPath, table.name);
  const hasChangeColumn = schema.fields.some((f) => f.name === changeColumn);
  const markFile = hasChangeColumn ? await readWatermark(store, markUri, { signal: ctx.signal }) : undefined;
  const keyed = (options.primaryKey ?? []).length > 0;
  const current = keyed ? await readManifest(store, joinUri(prefix, 'current'), { signal: ctx.signal }) : undefined;
  // What this output holds: current's manifest carries the watermark it was published with (a run
  // killed before its watermark file leaves it there); a table without a key has only its changes.
  const holds = keyed
    ? current
    : hasChangeColumn
      ? await lastPublishedChanges(store, joinUri(prefix, 'changes'), { signal: ctx.signal })
      : undefined;
  const published = hasChangeColumn ? manifestWatermark(holds, table.name, changeColumn) : undefined;
  const watermark = trustedWatermark(markFile, published, ctx, {
    uri: markUri,
    ...(keyed
      ? { published: 'the published current state', holds: 'what current holds' }
      : { published: 'its last published changes', holds: 'what they hold' }),
  });
  /** The watermark file is ahead of what this output published and was not used: rewound to it, even with nothing new. */
  const distrusted = markFile !== undefined && watermark !== markFile;
  // Changes published by a run killed before its current state (a first run's too): they are part of the state.
  const unmergedRuns = keyed
    ? (await publishedChanges(store, joinUri(prefix, 'changes'), { signal: ctx.signal })).filter(
        (run) => (!current || run.runId > current.runId) && run.runId !== ctx.runId,
      )
    : [];
  const plan = planLoad({
    table: table.name,
    schema,
    primaryKey: options.primaryKey,
    changeColumn,
    loadType: options.loadType,
    watermark,
    lagSeconds: options.lagSeconds ?? 0,
    hasCurrent: current !== undefined || unmergedRuns.length > 0,
  });
  for (const warning of plan.warnings) ctx.logger.warn({ table: table.name }, warning);
  const files = await tableFiles(store, options.catalog, table, { signal: ctx.signal });
  const rows = tableRows(store, table, files, {
    ctx,
    openText: openRows,
    ...(plan.from !== undefined ? { window: { column: changeColumn, from: plan.from } } : {}),
  });
  const report: TableLoadReport = {
    table: table.name,
    mode: plan.mode,
    primaryKey: keyed ? [...(options.primaryKey ?? [])] : null,
    files: files.length,
    rowsRead: 0,
    rowsSkippedByStatistics: 0,
    rowsBeforeWindow: 0,
    rowsWithoutChangeTime: 0,
    duplicatesRemoved: 0,
    rowsInChanges: 0,
    rowsInCurrent: keyed ? (current?.rows ?? null) : null,
    watermarkBefore: markFile?.value ?? null,
    watermarkAfter: markFile?.value ?? null,
    published: false,
    warnings: plan.warnings,
  };
  const outputs = new TableOutputs(store, {
    prefix,
    schema,
    withCurrent: keyed,
    keepGenerations: options.keepGenerations ?? 2,
    loadDate: ctx.clock.now().toISOString().slice(0, 10),
    ...(options.staleAfterHours === undefined ? {} : { staleAfterHours: options.staleAfterHours }),
  });
  const rejectsBefore = tallyOf(ctx.rejects);
  const latest = new LatestChange(schema, plan.changeColumn);
  await outputs.connect(ctx);
  try {
    const memoryBytes = options.memoryBytes ?? 256 * MiB;
    const spill = { tempDir: options.tempDir, signal: ctx.signal, schema: { fields: [...schema.fields, ORIGIN] } };
    const load = { rows, outputs, plan, latest, report, schema };
    if (!keyed) await copyRows(load);
    else if (plan.mode === 'full') await loadFull(load, { ...spill, memoryBytes });
    else {
      const unmerged = await manifestsOf(store, unmergedRuns, ctx);
      if (unmerged.length > 0)
        ctx.logger.warn(
          { table: table.name, changes: unmerged.map((m) => m.generation) },
          `${table.name}: changes published by a run that stopped before its current state: merged into current now, not repeated`,
        );
      await mergeWithCurrent(load, current, unmerged, store, { ...spill, memoryBytes: Math.floor(memoryBytes / 2) }, ctx);
    }
    Object.assign(report, { rowsRead: rows.stats.rowsRead, rowsSkippedByStatistics: rows.stats.rowsSkippedByStatistics });
    report.rowsBeforeWindow = rows.stats.rowsBeforeWindow;
    report.rowsWithoutChangeTime = rows.stats.rowsWithoutChangeTime;
    // Rows read and kept but not in changes (repeated keys, rows current already holds): not written
    // on purpose, so the run's figures add up (read = changes + rejected + not written).
    const kept = report.rowsRead - report.rowsBeforeWindow - report.rowsWithoutChangeTime;
    ctx.counters.component(`dedup:${table.name}`, 'stage').dropped += Math.max(0, kept - report.rowsInChanges);
    if (report.rowsWithoutChangeTime > 0) {
      // No change time, so no run can tell when they changed: said once per table rather than loaded silently or dropped silently.
      const warning = `${table.name}: ${report.rowsWithoutChangeTime} rows with a null ${changeColumn} not loaded (an incremental load reads by ${changeColumn}; --load_type full loads them)`;
      report.warnings.push(warning);
      ctx.logger.warn({ table: table.name, rowsWithoutChangeTime: report.rowsWithoutChangeTime }, warning);
    }
    // Changes of a killed run not yet in current: current must be published even with nothing new.
    const changed = report.rowsInChanges > 0 || (plan.mode === 'incremental' && unmergedRuns.length > 0);
    if (!changed) {
      await outputs.discard('nothing changed', ctx);
      if (report.mode === 'full') ctx.logger.warn({ ...report }, `${table.name} has no rows: nothing published`);
      else ctx.logger.info({ ...report }, `${table.name}: nothing new since ${watermark?.value ?? 'the last load'}; nothing published`);
      // What a killed run published is registered by the next run, even one with nothing new.
      if (options.register) await registerPublished(store, options.register, table.name, schema, prefix, { signal: ctx.signal });
      await catchUpWatermark(store, markUri, { table: table.name, column: changeColumn, holds, watermark: markFile, distrusted, report });
      return report;
    }
    checkRejectRatio(ctx, report.rowsRead, `table ${table.name}`, rejectsSince(ctx.rejects, rejectsBefore));
    const after = latest.max === undefined ? undefined : watermark && !keyed ? maxOf(latest.max, watermark) : latest.max;
    const published = await outputs.publish(ctx, after === undefined ? {} : { watermark: isoMicros(after) });
    report.published = true;
    report.changes = published.changes.manifest;
    if (published.current) {
      report.current = published.current.manifest;
      report.rowsInCurrent = published.current.rows;
    }
    if (options.register) await registerPublished(store, options.register, table.name, schema, prefix, { signal: ctx.signal });
    if (after !== undefined) {
      const written = await writeWatermark(store, markUri, {
        table: table.name,
        column: changeColumn,
        micros: after,
        run_id: ctx.runId,
        committed_at: ctx.clock.now().toISOString(),
      });
      report.watermarkAfter = written.value;
    }
    return report;
  } catch (error) {
    await outputs.abort(error, ctx);
    throw error;
  }
}

/**
 * A run killed after publishing current but before writing its watermark leaves the watermark behind
 * the published data; the rerun finds nothing new (the overlap equals current) and sets it to what
 * current's manifest says it holds: never ahead of published data, and no longer behind it. A
 * watermark another run moved ahead of current (`distrusted`) is set back to it the same way (a
 * table without a key: to its last published changes).
 */
async function catchUpWatermark(
  store: ObjectStore,
  uri: string,
  at: {
    table: string;
    column: string;
    /** What this output published last: current, or a keyless table's last changes. */
    holds: DatasetManifest | undefined;
    watermark: { value: string } | undefined;
    distrusted: boolean;
    report: TableLoadReport;
  },
): Promise<void> {
  const published = at.holds?.annotations?.['watermark'];
  if (!at.holds || !published) return;
  const micros = watermarkMicros({ value: published });
  if (at.watermark && !at.distrusted && micros <= watermarkMicros(at.watermark)) return;
  const written = await writeWatermark(store, uri, {
    table: at.table,
    column: at.column,
    micros,
    run_id: at.holds.runId,
    committed_at: at.holds.committedAt,
  });
  at.report.watermarkAfter = written.value;
}

/** The manifests of the changes runs a killed run published before its current state. */
async function manifestsOf(store: ObjectStore, runs: readonly ChangesRun[], ctx: RunContext): Promise<DatasetManifest[]> {
  const found: DatasetManifest[] = [];
  for (const run of runs) {
    const manifest = await readManifest(store, run.folder, { signal: ctx.signal });
    if (manifest) found.push(manifest);
  }
  return found;
}

/**
 * Where this run reads from: the watermark file, unless it is ahead of what this output published
 * (its current state; a table without a key, its last changes) and another run wrote it (one that
 * published elsewhere: a mistyped `--output_path` sharing `--cdc_path`); then what was published, so
 * no row between the two is skipped. Behind it (a run killed before its watermark) it is kept: the
 * rows re-read are already in current and add nothing (a table without a key gets them again, as it
 * gets its overlap: at-least-once).
 */
function trustedWatermark(
  file: Watermark | undefined,
  published: Watermark | undefined,
  ctx: RunContext,
  where: { uri: string; published: string; holds: string },
): Watermark | undefined {
  if (!file || !published || file.run_id === published.run_id || watermarkMicros(file) <= watermarkMicros(published))
    return file ?? published;
  ctx.logger.warn(
    { table: file.table, watermark: file, published },
    `${file.table}: the watermark ${where.uri} (${file.value}, run ${file.run_id}) is ahead of ${where.published} (${published.value}, run ${published.run_id}), which another run wrote: was it run with another --output_path? Reading from ${published.value}, ${where.holds}`,
  );
  return published;
}

/** The watermark a published manifest carries (current's, or a keyless table's last changes'). */
function manifestWatermark(manifest: DatasetManifest | undefined, table: string, column: string): Watermark | undefined {
  const value = manifest?.annotations?.['watermark'];
  return manifest && value ? { table, column, value, run_id: manifest.runId, committed_at: manifest.committedAt } : undefined;
}

/** The hidden column an incremental merge tags rows with: 0 the current state, 1 read this run. */
const ORIGIN = { name: '__origin', type: { kind: 'smallint' as const }, nullable: false };
const FROM_CURRENT = 0;
const READ_NOW = 1;

interface Load {
  rows: TableRows;
  outputs: TableOutputs;
  plan: LoadPlan;
  latest: LatestChange;
  report: TableLoadReport;
  schema: Schema;
}

interface SpillSettings {
  memoryBytes: number;
  tempDir: string | undefined;
  signal: AbortSignal;
  schema: Schema;
}

/** No key: the rows as read go to changes (inside the lag window they may come again: at-least-once). */
async function copyRows({ rows, outputs, latest, report }: Load): Promise<void> {
  for await (const batch of rows.batches()) {
    latest.see(batch);
    await outputs.writeChanges(batch);
    report.rowsInChanges += batch.length;
  }
}

/** Full load: every row deduplicated; the result is both this run's changes and the new current state. */
async function loadFull({ rows, outputs, plan, latest, report }: Load, spill: SpillSettings): Promise<void> {
  const dedup = dedupLatest(rows.batches(), {
    keyColumns: plan.keyColumns,
    ...(plan.changeColumn === undefined ? {} : { orderColumn: plan.changeColumn }),
    ...settings(spill),
  });
  for await (const batch of dedup) {
    latest.see(batch);
    await outputs.writeChanges(batch);
    await outputs.writeCurrent(batch);
    report.rowsInChanges += batch.length;
  }
  report.duplicatesRemoved = dedup.counts.duplicatesRemoved;
}

/**
 * Incremental load of a keyed table, in two spilling passes and no list of seen keys:
 * 1. the current state, then the rows read now, deduplicated by key (the later read wins a tie, so a
 *    row re-read from the overlap replaces its own copy): the new current state, written as it comes;
 * 2. the rows of (1) that came from this read, then the current state again, deduplicated by their
 *    whole content: a re-read row identical to its current row collapses into it (the current copy is
 *    read last and wins); what is left from this read is new or changed: the changes.
 */
async function mergeWithCurrent(
  { rows, outputs, plan, latest, report, schema }: Load,
  current: DatasetManifest | undefined,
  unmerged: readonly DatasetManifest[],
  store: ObjectStore,
  spill: SpillSettings,
  ctx: RunContext,
): Promise<void> {
  const width = schema.fields.length;
  const currentDefinition: TableDefinition = {
    database: '',
    name: `${rows.name} (current)`,
    format: 'parquet',
    location: (current ?? unmerged[0])?.generation ?? '',
    columns: schema.fields.map((f) => ({ name: f.name, type: hiveTypeText(f.type) })),
    partitionKeys: [],
  };
  // Changes a killed run published without its current state count as part of the current state.
  const currentFiles = [...(current ? [current] : []), ...unmerged].flatMap((m) =>
    m.files.map((f) => ({ uri: f.uri, partitionValues: [] })),
  );
  const currentRows = () => tagged(tableRows(store, currentDefinition, currentFiles, { ctx, countRead: false }).batches(), FROM_CURRENT);
  let readNow = 0;
  const newState = dedupLatest(
    concat(
      currentRows(),
      tagged(
        counted(rows.batches(), (n) => (readNow += n)),
        READ_NOW,
      ),
    ),
    {
      keyColumns: plan.keyColumns,
      ...(plan.changeColumn === undefined ? {} : { orderColumn: plan.changeColumn }),
      ...settings(spill),
    },
  );
  let winnersReadNow = 0;
  async function* candidates(): AsyncGenerator<Value[][]> {
    for await (const batch of newState) {
      const state: Value[][] = [];
      const fresh: Value[][] = [];
      for (const row of batch) {
        state.push(row.slice(0, width));
        if (row[width] === READ_NOW) fresh.push(row);
      }
      latest.see(state);
      await outputs.writeCurrent(state);
      winnersReadNow += fresh.length;
      if (fresh.length > 0) yield fresh;
    }
    yield* currentRows();
  }
  const changes = dedupLatest(candidates(), { keyColumns: schema.fields.map((_, i) => i), ...settings(spill) });
  for await (const batch of changes) {
    const changed = batch.filter((row) => row[width] === READ_NOW).map((row) => row.slice(0, width));
    if (changed.length === 0) continue;
    await outputs.writeChanges(changed);
    report.rowsInChanges += changed.length;
  }
  report.duplicatesRemoved = readNow - winnersReadNow;
}

function settings(spill: SpillSettings) {
  return {
    memoryBytes: spill.memoryBytes,
    signal: spill.signal,
    schema: spill.schema,
    ...(spill.tempDir ? { tempDir: spill.tempDir } : {}),
  };
}

async function* tagged(batches: AsyncIterable<Value[][]>, origin: number): AsyncGenerator<Value[][]> {
  for await (const batch of batches) {
    for (const row of batch) row.push(origin);
    yield batch;
  }
}

async function* counted(batches: AsyncIterable<Value[][]>, add: (n: number) => void): AsyncGenerator<Value[][]> {
  for await (const batch of batches) {
    add(batch.length);
    yield batch;
  }
}

async function* concat(...parts: AsyncIterable<Value[][]>[]): AsyncGenerator<Value[][]> {
  for (const part of parts) yield* part;
}

function maxOf(micros: bigint, watermark: { value: string }): bigint {
  const before = instantOf(watermark.value, { name: 'value', type: { kind: 'string' }, nullable: true });
  return before !== undefined && before > micros ? before : micros;
}

/** The greatest change time of the rows it sees (those published). */
class LatestChange {
  max: bigint | undefined;
  constructor(
    private readonly schema: Schema,
    private readonly column: number | undefined,
  ) {}

  see(rows: readonly Value[][]): void {
    const column = this.column;
    if (column === undefined) return;
    const field = this.schema.fields[column];
    if (!field) return;
    for (const row of rows) {
      const at = instantOf(row[column] ?? null, field);
      if (at !== undefined && (this.max === undefined || at > this.max)) this.max = at;
    }
  }
}

/** The catalog type text of a schema type, read back to the same type (the current state is read through the catalog-table reader). */
function hiveTypeText(type: Schema['fields'][number]['type']): string {
  return type.kind === 'string' ? 'string' : formatType(type);
}
