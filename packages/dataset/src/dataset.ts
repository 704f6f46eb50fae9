import { describeError, isTransient, TerminalError, type RunContext } from '@etl/core';
import { objectsUnder, type ObjectLocation, type ObjectStore } from '@etl/object-store';
import { formatType, rowsOf, type ColumnBatch, type Value } from '@etl/schema';
import { keptGenerations } from './generations.js';
import { folderBelow, generationPath, listingUri, MANIFEST_NAME, partFileName, uriBelow } from './layout.js';
import { readManifest, writeManifest, type DatasetFile, type DatasetManifest } from './manifest.js';
import { OpenParts } from './open-parts.js';
import { resolveOptions, type DatasetOptions, type ResolvedOptions } from './options.js';
import { PartFile } from './part-file.js';
import { partitionPath } from './partition-path.js';
import { sweepStaleGenerations } from './sweep.js';

/** What a run published, for the pipeline's report. */
export interface DatasetResult {
  runId: string;
  /** URI of the run's folder (every file is below it). */
  generation: string;
  /** URI of the manifest written. */
  manifest: string;
  files: DatasetFile[];
  rows: number;
  bytes: number;
  /** The distinct partition folders written, sorted (empty when unpartitioned). */
  partitions: string[];
  /** Folders of killed runs deleted by `connect`. */
  swept: string[];
  /** Older generations deleted after the publish (overwrite datasets, beyond `keepGenerations`). */
  dropped: string[];
}

interface Run {
  ctx: RunContext;
  /** This run's folder below the prefix. */
  generation: string;
  folder: ObjectLocation;
  parts: OpenParts;
  swept: string[];
}

/**
 * A Parquet dataset written by one run, without streams: `connect`, rows or column batches in,
 * then `close` (publish: the manifest last) or `abort` (nothing of the run is left). Writes run one
 * at a time in call order, whatever the caller's concurrency. `datasetSink` and `datasetColumnSink`
 * make it a core `Sink`.
 */
export class ParquetDataset {
  readonly options: ResolvedOptions;
  /** Set once `close` has published. */
  result: DatasetResult | undefined;
  private run: Run | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private published = false;

  /** Checks the options (a `TerminalError('BAD_ARGUMENT')` naming each bad one); touches nothing yet. */
  constructor(
    private readonly store: ObjectStore,
    options: DatasetOptions,
  ) {
    this.options = resolveOptions(options);
  }

  /** Starts the run: deletes the folders of killed runs (see `staleAfterHours`); nothing is written yet. */
  async connect(ctx: RunContext): Promise<void> {
    const o = this.options;
    const generation = generationPath(o.generation, ctx.runId);
    const folder = folderBelow(o.folder, generation);
    const parts = new OpenParts(
      (partition, index) =>
        new PartFile(
          this.store,
          uriBelow(folder, [partition, partFileName(index)].filter((p) => p !== '').join('/')),
          partition,
          o.fileSchema,
          {
            rowGroupBytes: Math.min(o.rowGroupBytes, o.targetFileBytes),
            rowGroupRows: o.rowGroupRows,
            uploadPartSize: o.uploadPartSize,
            signal: ctx.signal,
          },
        ),
      o,
    );
    const swept = await sweepStaleGenerations(this.store, o.folder, {
      template: o.generation,
      currentRunId: ctx.runId,
      retained: o.retained,
      now: ctx.clock.now(),
      staleAfterHours: o.staleAfterHours,
      signal: ctx.signal,
    });
    if (swept.generations.length > 0)
      ctx.logger.warn({ sink: o.name, swept: swept.generations, objects: swept.objects }, 'deleted the unpublished folders of killed runs');
    this.run = { ctx, generation, folder, parts, swept: swept.generations };
  }

  /** Adds rows (values in schema order); resolves with the bytes it handed to uploads once they have room again. */
  writeRows(rows: readonly (readonly Value[])[]): Promise<number> {
    const { levels, fileColumns } = this.options;
    return this.serially(async (parts) => {
      if (levels.length === 0) return parts.writeRows('', rows);
      // One part lookup per partition and batch; rows keep their order within a partition.
      const groups = new Map<string, Value[][]>();
      for (const row of rows) {
        const key = partitionPath(levels, row);
        let group = groups.get(key);
        if (!group) groups.set(key, (group = []));
        group.push(fileColumns ? fileColumns.map((i) => row[i] ?? null) : (row as Value[]));
      }
      for (const [key, group] of groups) await parts.writeRows(key, group);
    });
  }

  /**
   * Adds a column batch of the schema (typed arrays copied as they are, as `etl convert` writes).
   * A partitioned dataset takes it row by row.
   */
  writeColumns(batch: ColumnBatch): Promise<number> {
    if (this.options.levels.length > 0) return this.writeRows(rowsOf(batch));
    return this.serially((parts) => parts.writeColumns('', batch));
  }

  /**
   * Finishes every part, then writes the manifest (the publish), then deletes generations past
   * `keepGenerations`. `annotations` go into the manifest as they are (known only once every row is in).
   */
  async close(ctx: RunContext, annotations?: Record<string, string>): Promise<DatasetResult> {
    const run = this.connected();
    const o = this.options;
    annotations ??= o.annotations;
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
    const files = await run.parts.finishAll();
    const manifest: DatasetManifest = {
      version: 1,
      mode: o.mode,
      runId: ctx.runId,
      generation: uriBelow(run.folder, ''),
      committedAt: ctx.clock.now().toISOString(),
      rows: files.reduce((sum, f) => sum + f.rows, 0),
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      files,
      partitions: [...new Set(files.map((f) => f.partition).filter((p) => p !== ''))].sort(),
      partitionBy: o.partitionBy,
      schema: o.fileSchema.fields.map((f) => ({ name: f.name, type: formatType(f.type), nullable: f.nullable })),
      ...(annotations ? { annotations } : {}),
    };
    let manifestUri: string;
    let older: string[] = [];
    if (o.mode === 'overwrite') {
      const previous = await readManifest(this.store, o.prefix, { signal: ctx.signal });
      const { kept, dropped } = keptGenerations(run.generation, previous?.generations ?? [], o.keepGenerations, o.retained);
      manifest.generations = kept;
      older = dropped;
      manifestUri = uriBelow(o.folder, MANIFEST_NAME);
    } else {
      manifestUri = uriBelow(run.folder, MANIFEST_NAME);
    }
    // Stopped before the publish: publish nothing. The put itself is not aborted: a manifest that
    // S3 stored while the client gave up would name files the abort then deletes.
    ctx.signal.throwIfAborted();
    await writeManifest(this.store, manifestUri, manifest);
    this.published = true;
    const dropped = await this.dropGenerations(older, ctx);
    this.result = {
      runId: ctx.runId,
      generation: manifest.generation,
      manifest: manifestUri,
      files,
      rows: manifest.rows,
      bytes: manifest.bytes,
      partitions: manifest.partitions,
      swept: run.swept,
      dropped,
    };
    ctx.logger.info(
      { sink: o.name, manifest: manifestUri, files: files.length, rows: manifest.rows, bytes: manifest.bytes, dropped },
      'dataset published',
    );
    return this.result;
  }

  /**
   * Undoes the run unless it was published: aborts the uploads in flight and deletes every object
   * below the run's folder (the finished parts, and any upload that completed as it was aborted).
   */
  async abort(reason: unknown, ctx: RunContext): Promise<void> {
    const deleted = await this.undo(reason);
    if (deleted === undefined) return;
    ctx.logger.warn(
      { sink: this.options.name, generation: deleted.generation, deleted: deleted.objects, reason: describeError(reason) },
      'dataset run aborted: nothing published, its files deleted',
    );
  }

  /**
   * `abort` for a run that has nothing to publish (`why`: an incremental run that found no change):
   * the same undo, logged at debug level, since nothing went wrong.
   */
  async discard(why: string, ctx: RunContext): Promise<void> {
    const deleted = await this.undo(new Error(why));
    if (deleted === undefined) return;
    ctx.logger.debug({ sink: this.options.name, generation: deleted.generation, deleted: deleted.objects, why }, 'dataset run discarded');
  }

  private async undo(reason: unknown): Promise<{ generation: string; objects: number } | undefined> {
    const run = this.run;
    if (!run || this.published) return undefined;
    this.failure ??= reason;
    await run.parts.abort(reason);
    await this.queue;
    // No signal: this runs because the run's signal fired, and the deletes must still happen.
    const leftovers = await objectsUnder(this.store, listingUri(run.folder));
    if (leftovers.length > 0) await this.store.deleteMany(leftovers);
    return { generation: uriBelow(run.folder, ''), objects: leftovers.length };
  }

  /** Runs writes one at a time; a failed one fails every later one (its rows may be half in a part). */
  private serially(write: (parts: OpenParts) => Promise<void>): Promise<number> {
    const run = this.connected();
    const next = this.queue.then(async () => {
      if (this.failure !== undefined) throw this.failure;
      const before = run.parts.bytes;
      try {
        await write(run.parts);
      } catch (error) {
        this.failure = notRetried(error, this.options.name);
        throw this.failure;
      }
      return run.parts.bytes - before;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async dropGenerations(generations: readonly string[], ctx: RunContext): Promise<string[]> {
    const dropped: string[] = [];
    for (const generation of generations) {
      const folder = folderBelow(this.options.folder, generation);
      try {
        const uris = await objectsUnder(this.store, listingUri(folder));
        if (uris.length > 0) await this.store.deleteMany(uris);
        dropped.push(uriBelow(folder, ''));
      } catch (error) {
        // Published already: the next runs' sweep deletes what is left, as it is named by no manifest.
        ctx.logger.warn({ sink: this.options.name, generation, error: describeError(error) }, 'could not delete an older generation');
      }
    }
    return dropped;
  }

  private connected(): Run {
    if (!this.run) throw new Error(`${this.options.name}: connect() first`);
    return this.run;
  }
}

/**
 * Core retries a batch whose write failed transiently; here part of it may already be in a part
 * (and the upload behind it is gone), so a retry would duplicate rows. The SDK has retried the
 * requests themselves.
 */
function notRetried(error: unknown, name: string): unknown {
  if (!isTransient(error)) return error;
  return new TerminalError('IO', `${name}: ${describeError(error).message} (the batch is not retried: part of it was written)`, {
    cause: error,
  });
}
