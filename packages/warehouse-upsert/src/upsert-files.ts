import type { RunContext, Shard } from '@etl/core';
import { formatObjectUri, objectsBelow, parseObjectUri, type ObjectStore } from '@etl/object-store';
import { isUnder } from './archive-names.js';
import { sweepStaging } from './sweep-staging.js';
import { upsertFile, type FileOutcome, type UpsertDeps } from './upsert-file.js';
import { resolveUpsertOptions, type UpsertOptions } from './upsert-options.js';

/**
 * Where runs archive files below a source folder: `archive/yyyy/mm/<file>` (or `unprocessed/`) at any
 * depth, since each file's archive is a sibling of its own folder (`landing/2026/12/06/a.csv` goes to
 * `landing/2026/12/archive/2026/12/a.csv`).
 */
const ARCHIVED = /^(archive|unprocessed)\/|(^|\/)(archive|unprocessed)\/\d{4}\/\d{2}\/[^/]+$/;

/**
 * Files a run loads: the source itself, or every file under a prefix (ending in /) in key order —
 * never one under an `archive/` or `unprocessed/` folder below it (where earlier runs put files) or
 * under the `skip` prefixes (`archivePrefix`, `unprocessedPrefix`). With a `shard`, only the files it
 * owns by name: the key below the prefix (`2026/12/06/a.csv`), or a single file's base name, so a
 * file's shard never depends on which other files are listed (or already archived).
 */
export async function filesToLoad(
  objects: ObjectStore,
  source: string,
  options: { skip?: readonly string[]; signal?: AbortSignal; shard?: Pick<Shard, 'owns'> } = {},
): Promise<string[]> {
  const owns = options.shard ? (name: string) => options.shard?.owns(name) === true : () => true;
  if (!source.endsWith('/')) return owns(source.slice(source.lastIndexOf('/') + 1)) ? [source] : [];
  const skip = (options.skip ?? []).map((prefix) => formatObjectUri(parseObjectUri(prefix)));
  const files: string[] = [];
  for await (const { uri, key } of objectsBelow(objects, source, options.signal ? { signal: options.signal } : {}))
    if (!ARCHIVED.test(key) && !isUnder(uri, skip) && owns(key)) files.push(uri);
  return files;
}

/**
 * The warehouse destination as one call: every file of `source` (a file, or a prefix ending in /)
 * upserted into `options.table`, one transaction per file, in key order, while staging left by killed
 * runs is swept; only the files `options.shard` owns. Logs each file's outcome (and, in a dry run, its plan, statement by statement);
 * stops at the first file that fails (the error carries its `outcome`). Returns one outcome per file.
 */
export async function upsertFiles(source: string, options: UpsertOptions, ctx: RunContext, deps: UpsertDeps): Promise<FileOutcome[]> {
  const resolved = resolveUpsertOptions(options);
  const skip = [resolved.archivePrefix, resolved.unprocessedPrefix].filter((p): p is string => p !== undefined);
  const { shard } = resolved;
  const files = await filesToLoad(deps.objects, source, { skip, signal: ctx.signal, shard });
  if (files.length === 0 && shard.size > 1) {
    // Other shards of the array job may own every file: normal, not worth a warning.
    ctx.logger.info(
      { source, shard: { index: shard.index, size: shard.size } },
      `shard ${shard.index} of ${shard.size} owns no file under ${source}: nothing to load`,
    );
    return [];
  }
  if (files.length === 0) {
    ctx.logger.warn({ source }, `nothing to load under ${source}`);
    return [];
  }
  // The sweep touches only older runs' staging: a load runs beside it (a dry run logs it first).
  // It logs its own failures; a stopped run's abort is the loop's to report (handled now: it may
  // settle while a file loads).
  const sweeping = sweepStaging(resolved, ctx, deps).then(
    () => undefined,
    () => undefined,
  );
  if (resolved.dryRun) await sweeping;
  const outcomes: FileOutcome[] = [];
  try {
    for (const [index, file] of files.entries()) {
      const outcome = await upsertFile(file, index, resolved, ctx, deps);
      outcomes.push(outcome);
      const { plan, ...counts } = outcome;
      if (resolved.dryRun) {
        ctx.logger.info({ file, steps: plan.length }, `dry run: the plan for ${file} follows; nothing was changed`);
        for (const [n, step] of plan.entries()) ctx.logger.info({ file, step: n + 1, sql: step.sql }, `plan ${n + 1}: ${step.reason}`);
      }
      ctx.logger.info(
        counts,
        `${file}: ${outcome.status} — ${outcome.read} read, ${outcome.inserted} inserted, ${outcome.updated} updated, ${outcome.duplicates} duplicate keys, ${outcome.rejected} rejected`,
      );
    }
  } finally {
    await sweeping;
  }
  return outcomes;
}
