import { TerminalError, wholeRun, type Shard } from '@etl/core';
import { cleanColumnNames } from '@etl/schema';
import type { ViewConfigEntry } from '@etl/table-sync';

/** How files are upserted into one warehouse table (seed 003). */
export interface UpsertOptions {
  /** Target table, `schema.table`: created from the first file, evolved to fit later ones. */
  table: string;
  /** Upsert key columns, as the header names them or cleaned (`InvoiceNo` or `invoiceno`). */
  keys: readonly string[];
  /** Where typed staging CSV parts go for COPY (`s3://…` for Redshift): `<stagingPrefix>/<run id>/<file index>/`. */
  stagingPrefix: string;
  /**
   * Staged parts are cut at this many bytes before gzip, at record boundaries, and each part is
   * COPYed into the staging table as soon as it is stored, while the next is staged: smaller parts
   * overlap more of the COPY with staging, but each COPY is a statement (on Redshift, a commit) of its
   * own, loading its one gzip file on one slice. PGlite holds one part in memory at a time, so this
   * bounds its memory too. Default 16 MiB (a 72 MB file: 5 parts).
   */
  stagingPartBytes?: number;
  /** Staging tables and files of runs started more than this many hours ago are swept before a load. Default 24. */
  staleStagingHours?: number;
  /** Source text encoding (WHATWG label); detected when absent. */
  encoding?: string;
  /** Column types from the file's first MiB (`sample`, default) or from every record (`file`: one more pass). */
  inferFrom?: 'sample' | 'file';
  /**
   * Threads a file is staged on (default: every core, but one per 64 MiB of file as stored, within a
   * quarter of the memory: a file under 128 MiB stages on one thread; 1: this thread alone): worker
   * threads parse, screen, cast, profile and write its chunks as typed CSV, this thread reads it,
   * filters the keys and stores the parts (`@etl/convert` `ConvertOptions.threads`). A file of at
   * most 8 Mi characters takes one thread whatever this says.
   */
  threads?: number;
  /** Views to create or refresh after each load (seed 003 view_config.json). */
  views?: readonly ViewConfigEntry[];
  /**
   * Move each file when done: loaded to `archive/yyyy/mm/`, failed to `unprocessed/yyyy/mm/`, both
   * siblings of the file's folder as seed 003 lays them out (`data/in/x.csv` -> `data/archive/…`).
   */
  archive?: boolean;
  /** Where loaded files go instead (`<archivePrefix>/yyyy/mm/<file>`). */
  archivePrefix?: string;
  /** Where failed files go instead (`<unprocessedPrefix>/yyyy/mm/<file>`). */
  unprocessedPrefix?: string;
  /** Plan every statement and change nothing: the plan is what a load would run, statement for statement. */
  dryRun?: boolean;
  /**
   * Load only the files this shard of an array job owns, by file name (`filesToLoad`); default the
   * whole run. Shards running at once load into the same table: see the package README.
   */
  shard?: Shard;
}

type Optional = 'encoding' | 'archivePrefix' | 'unprocessedPrefix' | 'threads';
export type ResolvedUpsertOptions = Required<Omit<UpsertOptions, Optional>> & Pick<UpsertOptions, Optional>;

/** Defaults filled in and bounds checked once, before anything is read or written. */
export function resolveUpsertOptions(options: UpsertOptions): ResolvedUpsertOptions {
  const resolved = {
    stagingPartBytes: 16 * 1024 * 1024,
    staleStagingHours: 24,
    inferFrom: 'sample' as const,
    views: [],
    archive: false,
    dryRun: false,
    shard: wholeRun,
    ...options,
    keys: cleanColumnNames(options.keys),
  };
  const problems = [
    resolved.keys.length === 0 && 'keys must name at least one column',
    !(resolved.stagingPartBytes >= 1) && `stagingPartBytes must be at least 1, got ${resolved.stagingPartBytes}`,
    !(resolved.staleStagingHours > 0) && `staleStagingHours must be positive, got ${resolved.staleStagingHours}`,
    resolved.threads !== undefined &&
      !(Number.isSafeInteger(resolved.threads) && resolved.threads >= 1) &&
      `threads must be a whole number of at least 1, got ${resolved.threads}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw new TerminalError('BAD_ARGUMENT', `upsert options: ${problems.join('; ')}`);
  return resolved;
}
