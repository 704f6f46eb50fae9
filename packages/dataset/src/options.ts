import { TerminalError } from '@etl/core';
import { formatObjectUri, type ObjectLocation } from '@etl/object-store';
import { formatType, type Schema } from '@etl/schema';
import { DEFAULT_GENERATION, folderLocation, generationOf, keyBelow, RUN_ID_KEY, RUN_ID_PLACEHOLDER } from './layout.js';
import { partitionKeys, type PartitionLevel, type PartitionSpec, type PartitionTransform } from './partition-path.js';

const MiB = 1024 * 1024;
const S3_MAX_PARTS = 10_000;

export interface DatasetOptions {
  /** The dataset's folder: `s3://bucket/prefix`, `file:///…` or a local path. */
  prefix: string;
  /** The rows' columns, in order; values as `@etl/schema` casts them (what `RowSource.batches()` yields). */
  schema: Schema;
  /**
   * `overwrite` (default), "current state": each run writes a new generation folder and
   * `<prefix>/_manifest.json` names it; older generations beyond `keepGenerations` are deleted after.
   * `append`: each run adds its folder (`generation`), with its own `_manifest.json` in it, written last.
   */
  mode?: 'overwrite' | 'append';
  /**
   * The run's folder below the prefix; `{runId}` is replaced by the run id, and the last segment must be
   * `run_id={runId}` (how later runs tell a killed run's leftovers by age). Default `run_id={runId}`;
   * for an append dataset e.g. `load_date=2026-12-06/run_id={runId}`.
   */
  generation?: string;
  /**
   * Hive-style partition folders, outermost first: `{ column, transform?, name? }`, or `'column'` /
   * `'column:month'`. `invoice_date:month` makes `invoice_date_year=2011/invoice_date_month=12/`
   * (months and days zero-padded, UTC); null and `''` go to `__HIVE_DEFAULT_PARTITION__`; keys and
   * values are escaped as Hive does (`/` -> `%2F`, `:` -> `%3A`, …). See `partition-path.ts`.
   */
  partitionBy?: ReadonlyArray<PartitionSpec | string>;
  /**
   * Leave identity-partitioned columns out of the files (their value is in the folder name, and
   * Athena/Glue refuse a table whose partition key is also a data column). Default false: every
   * column stays in the data. Columns under a year/month/day transform always stay (the folder does
   * not hold their full value).
   */
  dropPartitionColumns?: boolean;
  /**
   * A part is finished, and the next rows of its partition go to a new one, at the first row group
   * boundary where it holds this many bytes (default 128 MiB, at least 1 MiB, at most 9,000 upload
   * parts), so a part ends at most one row group past it. Column batches are added a batch at a time.
   */
  targetFileBytes?: number;
  /**
   * Parts open at once (default 16). Opening one more finishes the least recently written (sort or
   * cluster the input by partition to avoid small files). Memory: at most about
   * `maxOpenPartitions * (rowGroupBytes + 2 * uploadPartSize + 512 KiB) + 2 * rowGroupBytes`
   * (each open part's row group and upload buffers, plus the one row group being encoded); with the
   * defaults 312 MiB with 16 partitions open, 35 MiB unpartitioned. Local files need no upload buffer.
   */
  maxOpenPartitions?: number;
  /** A part's row group is closed at this many bytes of values (default 8 MiB, at least 64 KiB); see `maxOpenPartitions`. */
  rowGroupBytes?: number;
  /** … or at this many rows (default 65,536). */
  rowGroupRows?: number;
  /** S3 multipart part size of each part's upload (default and minimum 5 MiB; one part in flight per upload); see `maxOpenPartitions`. */
  uploadPartSize?: number;
  /** Overwrite datasets: generations kept after a publish, the new one included (default 2: current + previous). */
  keepGenerations?: number;
  /**
   * Overwrite datasets: generation folders (URIs below the prefix, e.g. where the catalog table points
   * now) this run never deletes, however many runs ago they were published: kept in the new manifest's
   * `generations` (so no later sweep takes them) until a run no longer names them. URIs that are not a
   * generation folder of this dataset are ignored.
   */
  retainGenerations?: readonly string[];
  /**
   * Uncommitted generation folders (of runs killed outright) are deleted by the next run's `connect`
   * once their run id says they started more than this many hours ago (default 24; 0 sweeps every
   * uncommitted folder but the current run's: only when no other run writes the prefix).
   */
  staleAfterHours?: number;
  /** The sink's name in counters and logs (default `dataset:<prefix>`). */
  name?: string;
  /** Written into the manifest's `annotations` when they are known before the run (`close(ctx, annotations)` overrides them). */
  annotations?: Record<string, string>;
}

export const datasetDefaults = {
  mode: 'overwrite',
  generation: DEFAULT_GENERATION,
  targetFileBytes: 128 * MiB,
  maxOpenPartitions: 16,
  rowGroupBytes: 8 * MiB,
  rowGroupRows: 65_536,
  uploadPartSize: 5 * MiB,
  keepGenerations: 2,
  staleAfterHours: 24,
} as const;

export interface ResolvedOptions {
  name: string;
  /** The prefix as a URI, without a trailing `/`. */
  prefix: string;
  folder: ObjectLocation;
  schema: Schema;
  /** The files' schema (the row's, less dropped partition columns). */
  fileSchema: Schema;
  /** Indexes of the row's values that go into the files; undefined when all do. */
  fileColumns: number[] | undefined;
  mode: 'overwrite' | 'append';
  generation: string;
  levels: PartitionLevel[];
  partitionBy: Array<{ column: string; transform: PartitionTransform; name: string }>;
  targetFileBytes: number;
  maxOpenPartitions: number;
  rowGroupBytes: number;
  rowGroupRows: number;
  uploadPartSize: number;
  keepGenerations: number;
  annotations: Record<string, string> | undefined;
  /** `retainGenerations` as paths below the prefix (`run_id=…`). */
  retained: string[];
  staleAfterHours: number;
}

const TRANSFORMS: readonly PartitionTransform[] = ['identity', 'year', 'month', 'day'];

/** Checks every option once, at construction; all problems in one `TerminalError('BAD_ARGUMENT')`, each naming its option. */
export function resolveOptions(options: DatasetOptions): ResolvedOptions {
  const problems: string[] = [];
  const number = (name: keyof typeof datasetDefaults, min: number, what: string, integer = true): number => {
    const value = (options[name] as number | undefined) ?? (datasetDefaults[name] as number);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
      problems.push(`${name} must be ${integer ? 'an integer' : 'a number'} of at least ${what}, got ${String(value)}`);
    return value;
  };

  let folder: ObjectLocation = { scheme: 'file', path: '/' };
  try {
    if (typeof options.prefix !== 'string' || options.prefix === '')
      throw new Error('give the dataset folder: s3://bucket/prefix or a local path');
    folder = folderLocation(options.prefix);
  } catch (error) {
    problems.push(`prefix: ${(error as Error).message}`);
  }
  const fields = options.schema?.fields ?? [];
  if (fields.length === 0) problems.push('schema must have at least one column');

  const mode = options.mode ?? datasetDefaults.mode;
  if (mode !== 'overwrite' && mode !== 'append') problems.push(`mode must be 'overwrite' or 'append', got ${String(mode)}`);
  if (mode === 'append' && options.keepGenerations !== undefined)
    problems.push("keepGenerations applies to mode 'overwrite' (an append dataset keeps every run's folder); leave it out");
  const generation = options.generation ?? datasetDefaults.generation;
  const generationProblem = checkGeneration(generation);
  if (generationProblem) problems.push(`generation: ${generationProblem}`);

  const targetFileBytes = number('targetFileBytes', MiB, '1 MiB (1048576)');
  const maxOpenPartitions = number('maxOpenPartitions', 1, '1');
  const rowGroupBytes = number('rowGroupBytes', 64 * 1024, '64 KiB (65536)');
  const rowGroupRows = number('rowGroupRows', 1, '1');
  const uploadPartSize = number('uploadPartSize', 5 * MiB, "5 MiB (5242880, S3's minimum part size)");
  const keepGenerations = number('keepGenerations', 1, '1');
  const staleAfterHours = number('staleAfterHours', 0, '0', false);
  // S3 takes at most 10,000 parts per object; leave room for the row groups a part ends past its target.
  if (targetFileBytes > S3_MAX_PARTS * 0.9 * uploadPartSize)
    problems.push(
      `targetFileBytes ${targetFileBytes} needs more than 9,000 upload parts of ${uploadPartSize} bytes (S3 allows 10,000 per object); raise uploadPartSize`,
    );

  const partitionBy: ResolvedOptions['partitionBy'] = [];
  const levels: PartitionLevel[] = [];
  const keys = new Set<string>();
  for (const raw of options.partitionBy ?? []) {
    const spec = typeof raw === 'string' ? parseSpec(raw) : raw;
    const label = typeof raw === 'string' ? raw : spec.column;
    const index = fields.findIndex((f) => f.name === spec.column);
    const field = fields[index];
    const transform = spec.transform ?? 'identity';
    const name = spec.name ?? spec.column;
    if (!field) {
      problems.push(`partitionBy ${label}: no column "${spec.column}" in the schema (columns: ${fields.map((f) => f.name).join(', ')})`);
      continue;
    }
    if (!TRANSFORMS.includes(transform)) {
      problems.push(`partitionBy ${label}: transform must be ${TRANSFORMS.join(', ')}, got ${String(transform)}`);
      continue;
    }
    if (transform !== 'identity' && field.type.kind !== 'date' && field.type.kind !== 'timestamp') {
      problems.push(`partitionBy ${label}: ${transform} needs a date or timestamp column, ${field.name} is ${formatType(field.type)}`);
      continue;
    }
    if (typeof name !== 'string' || name === '') {
      problems.push(`partitionBy ${label}: name must be a non-empty string`);
      continue;
    }
    const levelKeys = partitionKeys(name, transform);
    for (const key of levelKeys) {
      if (keys.has(key)) problems.push(`partitionBy ${label}: the folder key ${key} is made twice; give one of them another name`);
      keys.add(key);
    }
    if (levelKeys.some((k) => k === RUN_ID_KEY))
      problems.push(`partitionBy ${label}: ${RUN_ID_KEY} names the run's folder; name the partition otherwise`);
    levels.push({ index, field, transform, keys: levelKeys });
    partitionBy.push({ column: field.name, transform, name });
  }

  const dropped = new Set(options.dropPartitionColumns ? levels.filter((l) => l.transform === 'identity').map((l) => l.index) : []);
  const fileFields = fields.filter((_, i) => !dropped.has(i));
  if (fields.length > 0 && fileFields.length === 0)
    problems.push('dropPartitionColumns would leave the files without columns; keep at least one column out of partitionBy');

  if (mode === 'append' && options.retainGenerations !== undefined)
    problems.push("retainGenerations applies to mode 'overwrite' (an append dataset deletes no run's folder); leave it out");
  const retained = (options.retainGenerations ?? []).flatMap((uri) => {
    const key = keyBelow(folder, `${uri.replace(/\/+$/, '')}/x`);
    const found = key === undefined ? undefined : generationOf(key, generation);
    return found ? [found.generation] : [];
  });

  const prefix = folder.scheme === 's3' ? `s3://${folder.bucket}/${folder.key}`.replace(/\/$/, '') : formatObjectUri(folder);
  if (problems.length > 0) throw new TerminalError('BAD_ARGUMENT', `dataset ${options.prefix}: ${problems.join('; ')}`);
  return {
    name: options.name ?? `dataset:${prefix}`,
    prefix,
    folder,
    schema: options.schema,
    fileSchema: { fields: fileFields },
    fileColumns: dropped.size > 0 ? fields.map((_, i) => i).filter((i) => !dropped.has(i)) : undefined,
    mode,
    generation,
    levels,
    partitionBy,
    targetFileBytes,
    maxOpenPartitions,
    rowGroupBytes,
    rowGroupRows,
    uploadPartSize,
    keepGenerations,
    annotations: options.annotations,
    retained,
    staleAfterHours,
  };
}

/** `column` or `column:transform`. */
function parseSpec(text: string): PartitionSpec {
  const [column = '', transform] = text.split(':');
  return transform === undefined ? { column } : { column, transform: transform as PartitionTransform };
}

function checkGeneration(generation: unknown): string | undefined {
  if (typeof generation !== 'string') return `must be a path like ${DEFAULT_GENERATION}`;
  const segments = generation.split('/');
  const last = `${RUN_ID_KEY}=${RUN_ID_PLACEHOLDER}`;
  if (segments.at(-1) !== last)
    return `its last folder must be ${last} (so later runs can tell a killed run's folder by age), got ${generation}`;
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return `empty, . and .. folders are not allowed, got ${generation}`;
  if (segments.some((s) => s.startsWith('_') || s.startsWith('.')))
    return `folders starting with _ or . are hidden from Spark, Hive and Athena, got ${generation}`;
  if (segments.slice(0, -1).some((s) => s.startsWith(`${RUN_ID_KEY}=`)))
    return `only its last folder may be ${RUN_ID_KEY}=…, got ${generation}`;
  return undefined;
}
