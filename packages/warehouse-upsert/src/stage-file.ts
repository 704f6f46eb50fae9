import { TerminalError, type RunContext } from '@etl/core';
import { convert, type ConvertReport } from '@etl/convert';
import { cleanColumnNames, metadataColumns, type Schema } from '@etl/schema';
import { DuplicateKeyFilter, LINE_COLUMN, SourceProfile } from '@etl/table-sync';
import type { ObjectStore, PutResult } from '@etl/object-store';
import { AscendingKeys } from './ascending-keys.js';
import { REDSHIFT_TEXT_LIMITS } from './redshift-text.js';
import type { ResolvedUpsertOptions } from './upsert-options.js';

/** A file staged for COPY: its typed schema, what its values need of the table, whether its keys repeat. */
export interface StagedFile {
  report: ConvertReport;
  /** The file's columns (cleaned names), without the line column staged after them. */
  schema: Schema;
  profile: SourceProfile;
  /** Whether the file's keys may repeat: when not, the merge skips its dedupe pass. */
  duplicatesPossible: boolean;
  /** `run_date` and `file_name`: the same for every row, written by the merge as literals. */
  constants: ReturnType<typeof metadataColumns>;
}

/**
 * Reads one source file (encoding detected, names cleaned, types inferred with DECIMAL(38,18) for
 * fractions except keys) and writes it as typed, gzipped CSV parts for COPY (`output` names parts by
 * `{part}`), profiling it on the way: value widths, integer ranges, key repeats. `onSchema` and
 * `onPart` let a caller create the staging table and COPY part n while part n+1 is written. A record with text
 * Redshift cannot hold (`REDSHIFT_TEXT_LIMITS`) is a reject, as a bad value is.
 */
export async function stageFile(
  file: string,
  output: string,
  options: ResolvedUpsertOptions & {
    maxIdentifierBytes: number;
    start: Date;
    parts: boolean;
    /** The file's size in bytes, when the caller has it (its HEAD): not asked for again. */
    fileBytes?: number;
    /** Rows staged so far, kept up to date as they are written: what a stopped load had read. */
    progress?: { rows: number };
    /** The file's schema (cleaned names, inferred types, no line column), as soon as it is known: before any row is staged. */
    onSchema?: (schema: Schema) => void;
    /** Each staged part as soon as it is stored, with its 0-based number (see `convert`'s `onPart`). */
    onPart?: (uri: string, index: number) => void;
  },
  ctx: RunContext,
  objects: ObjectStore,
): Promise<StagedFile> {
  const keys = options.keys;
  let schema: Schema = { fields: [] };
  let keyFilter: DuplicateKeyFilter | undefined;
  let ascending: AscendingKeys | undefined;
  // run_date and file_name are the same for every row of the file: the merge writes them as
  // literals, so they are neither staged nor COPYed per row (a third of the staged bytes).
  const constants = metadataColumns({ runDate: options.start, fileName: file });
  const report = await convert(
    objects,
    {
      input: file,
      output,
      inputFormat: 'csv',
      format: 'csv',
      writeHeader: false,
      nullMarker: '\\N',
      trimFractionZeros: true, // 1.5, not 1.500000000000000000: the same DECIMAL(38,18) in fewer bytes
      compression: 'gzip',
      gzipLevel: 1, // staging lives minutes: speed over size
      ...(options.parts ? { partBytes: options.stagingPartBytes } : {}),
      ...(options.encoding ? { encoding: options.encoding } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.fileBytes === undefined ? {} : { inputBytes: options.fileBytes }),
      inferFrom: options.inferFrom,
      header: true, // seed 003 reads with header=True: column names come from the file
      renameColumns: (names) => cleanColumnNames(names, { maxBytes: options.maxIdentifierBytes }),
      // A file that has them already (an export of the table) gets this run's: seed 003's withColumn.
      omitColumns: constants.map((c) => c.field.name),
      infer: { decimalForFractions: true, keyColumns: [...keys], widenIntegers: true },
      // A value no Redshift column holds is a reject with its source line, not a failed COPY of a staged part.
      textLimits: REDSHIFT_TEXT_LIMITS,
      // Each row's line in the file, for the merge's "last line wins" (numbered by chunk on threads: the same order).
      rowNumberColumn: LINE_COLUMN,
      facts: true, // longest text and integer ranges: the profile, gathered on whichever thread writes
      onSchema: (s) => {
        schema = { fields: s.fields.filter((f) => f.name !== LINE_COLUMN) };
        options.onSchema?.(schema);
      },
      // A missing key column fails the plan, naming it: no filter then.
      keys: (s) => {
        const columns = keys.map((k) => s.fields.findIndex((f) => f.name === k));
        if (columns.includes(-1)) return undefined;
        const filter = new DuplicateKeyFilter(columns.map((_, i) => i));
        const run = new AscendingKeys(columns.length === 1 ? 0 : undefined);
        keyFilter = filter;
        ascending = run;
        return {
          columns,
          // Keys still ascending are distinct without the filter's random probes into its 16 MiB.
          onKeys: (batch) => {
            if (run.observe(batch) < batch.length) filter.observe(batch);
          },
        };
      },
      ...(options.progress ? { onRows: (rows: number) => ((options.progress as { rows: number }).rows = rows) } : {}),
      ...(options.onPart ? { onPart: (part: PutResult, index: number) => options.onPart?.(part.uri, index) } : {}),
    },
    ctx,
  );
  if (schema.fields.length === 0) throw new TerminalError('BAD_ARGUMENT', `${file} has no columns`);
  const profile = new SourceProfile(schema, constants);
  if (report.facts) profile.merge(report.facts);
  const duplicatesPossible =
    !keyFilter || !ascending ? true : ascending.stillAscending ? false : ascending.overlapsRun || keyFilter.maybeDuplicates;
  return { report, schema, profile, duplicatesPossible, constants };
}
