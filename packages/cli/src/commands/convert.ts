import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { convert as convertFile, convertHeld, FILE_FORMATS, formatOf, type ConvertOptions, type FileFormat } from '@etl/convert';
import { abortCause, rejectsUpTo, startProgress, TerminalError } from '@etl/core';
import { createObjectStore, objectRejects } from '@etl/object-store';
import type { CompressionName } from '@etl/parquet';
import { parseSchemaFile, type Schema } from '@etl/schema';
import { defineCommand, locationProblems, UsageError } from '../command.js';
import { READ_OPTIONS, readOptionsOf } from '../read-options.js';
import { runContext } from '../run-context.js';

const COMPRESSIONS = ['snappy', 'gzip', 'zstd', 'none'] as const;

const OPTIONS = {
  schema: {
    type: 'string',
    value: 'FILE',
    help: 'column types: the schema-definition CSV (column_name,data_type[,nullable][,key_order]) or its JSON form; inferred from the input when absent',
  },
  format: { type: 'string', value: 'parquet|csv|ndjson', help: "the output's format; from its extension when absent" },
  rejects: { type: 'string', value: 'URI', help: 'where bad records go, one JSON object each (default <out>.rejects.ndjson)' },
  'max-rejects': { type: 'string', value: 'N', help: 'more than N bad records stop the run (exit 1) and <out> is not written' },
  compression: {
    type: 'string',
    value: 'CODEC',
    help: 'Parquet page codec: snappy (default), gzip, zstd or none; gzip also compresses CSV/NDJSON output whole',
  },
  'null-marker': { type: 'string', value: 'S', help: 'CSV output: the text written for null (default empty)' },
  'output-header': {
    type: 'boolean',
    negatable: true,
    help: 'CSV output: write the header line (default; --no-output-header leaves it out)',
  },
  threads: {
    type: 'string',
    value: 'N',
    help: 'CSV -> Parquet or CSV on N threads: chunks cut at record ends, parsed, cast and encoded on worker threads, written in order (default: every core, but one per 64 MiB of input and as many as a quarter of the memory allows; 1: one thread). Memory: about 64 MiB a thread',
  },
  'chunk-mb': {
    type: 'string',
    value: 'N',
    help: 'with --threads above 1: the file is cut into chunks of about N MB (default 8), one per worker at a time; a thread holds about 4 chunks, so this bounds its memory',
  },
  'part-mb': {
    type: 'string',
    value: 'N',
    help: 'CSV/NDJSON output as parts of at most N MB before compression, each a whole file, named by {part} in <out> (part-{part}.csv.gz -> part-00000.csv.gz, …): what Redshift COPY loads in parallel (CSV parts need --no-output-header)',
  },
} as const;

export const convert = defineCommand({
  name: 'convert',
  synopsis: '<in> <out>',
  summary: 'between CSV, NDJSON and Parquet (paths or s3://); prints the run report as JSON',
  description: `Converts between CSV, NDJSON and Parquet, local paths or s3:// URIs (.gz text read and written),
formats from the extensions. Bad records go to --rejects and the rest is converted; prints the run
report as JSON (rowsRead, rowsWritten, rowsRejected, bytesRead, bytesWritten, outputs, seconds,
peakRssBytes, rejects). Memory: one input batch, one Parquet row group and the upload buffers; CSV ->
Parquet or CSV on more than one thread (--threads) adds about 64 MiB a thread.`,
  options: { ...OPTIONS, ...READ_OPTIONS },
  groups: [
    ['options', OPTIONS],
    ['read options (as etl sniff and etl cat take them)', READ_OPTIONS],
  ],
  async run(values, positionals) {
    const [input, output, ...extra] = positionals;
    if (!input) throw new UsageError('missing <in> and <out>');
    if (!output) throw new UsageError('missing <out>');
    if (extra.length > 0) throw new UsageError(`takes <in> and <out>, got also ${extra.join(' ')}`);
    const read = readOptionsOf(values);
    const maxRejects = values['max-rejects'] === undefined ? undefined : Number(values['max-rejects']);
    const partMb = values['part-mb'] === undefined ? undefined : Number(values['part-mb']);
    const withoutHeader = values['output-header'] === false;
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    const chunkMb = values['chunk-mb'] === undefined ? undefined : Number(values['chunk-mb']);
    const problems = [
      values.format !== undefined && !(FILE_FORMATS as readonly string[]).includes(values.format)
        ? `--format must be one of ${FILE_FORMATS.join(', ')}, got ${values.format}`
        : undefined,
      maxRejects !== undefined && !(Number.isInteger(maxRejects) && maxRejects >= 0)
        ? `--max-rejects must be a whole number, got ${values['max-rejects']}`
        : undefined,
      values.compression !== undefined && !(COMPRESSIONS as readonly string[]).includes(values.compression)
        ? `--compression must be one of ${COMPRESSIONS.join(', ')}, got ${values.compression}`
        : undefined,
      partMb !== undefined && !(partMb > 0) ? `--part-mb must be a positive number of MB, got ${values['part-mb']}` : undefined,
      chunkMb !== undefined && !(chunkMb > 0) ? `--chunk-mb must be a positive number of MB, got ${values['chunk-mb']}` : undefined,
      threads !== undefined && !(Number.isInteger(threads) && threads >= 1)
        ? `--threads must be a whole number of at least 1, got ${values.threads}`
        : undefined,
      partMb !== undefined && !withoutHeader && csvOutput(output, values.format)
        ? '--part-mb with CSV output needs --no-output-header (no part repeats the header line)'
        : undefined,
      ...read.problems,
      ...locationProblems({ '<in>': input, '<out>': output, '--rejects': values.rejects, '--schema': values.schema }),
    ].filter((p) => p !== undefined);
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    const store = createObjectStore();
    const schema = values.schema ? await loadSchema(values.schema) : undefined;
    const rejectsUri = values.rejects ?? `${output}.rejects.ndjson`;
    const abort = new AbortController();
    const rejects = rejectsUpTo(
      objectRejects(store, rejectsUri),
      maxRejects,
      abort,
      (count) =>
        `${count} ${count === 1 ? 'record' : 'records'} rejected, more than --max-rejects ${maxRejects}: stopped, ${output} not written; see ${rejectsUri}`,
    );
    const ctx = runContext('etl-convert', rejects, abort);
    // A live line on a terminal (rows, bytes, rate, time); nothing extra when stderr is piped.
    const stopProgress = process.stderr.isTTY ? startProgress(ctx, process.stderr) : () => undefined;
    try {
      const options: ConvertOptions = {
        ...read.options,
        input,
        output,
        ...(values.format ? { format: values.format as FileFormat } : {}),
        ...(schema ? { schema } : {}),
        ...(values.compression ? { compression: values.compression as CompressionName } : {}),
        ...(values['null-marker'] === undefined ? {} : { nullMarker: values['null-marker'] }),
        ...(withoutHeader ? { writeHeader: false } : {}),
        ...(partMb === undefined ? {} : { partBytes: Math.ceil(partMb * 1024 * 1024) }),
        ...(threads === undefined ? {} : { threads }),
        ...(chunkMb === undefined ? {} : { chunkChars: Math.ceil(chunkMb * 1024 * 1024) }),
        counted: true,
      };
      // Held until every record is read: a file of which every record was rejected (a wrong delimiter,
      // encoding or schema) writes no empty output and exits 1. Parts are complete as they fill.
      const held = options.partBytes === undefined ? await convertHeld(store, options, ctx) : undefined;
      if (held && held.report.rowsWritten === 0 && ctx.rejects.count > 0) {
        const why = new TerminalError(
          'TOO_MANY_REJECTS',
          `every record of ${input} was rejected (${ctx.rejects.count}): ${output} not written; see ${rejectsUri} (another delimiter, encoding or schema?)`,
        );
        await held.discard(why);
        throw why;
      }
      const report = held ? await held.publish() : await convertFile(store, options, ctx);
      stopProgress();
      await ctx.rejects.close();
      process.stdout.write(`${JSON.stringify({ ...report, ...(report.rowsRejected > 0 ? { rejects: rejectsUri } : {}) })}\n`);
      return 0;
    } catch (error) {
      stopProgress();
      await ctx.rejects.close().catch(() => undefined);
      throw abortCause(error, ctx.signal);
    }
  },
});

/** Whether the output is CSV, by --format or by its extension (an unknown one is convert's to report). */
function csvOutput(output: string, format: string | undefined): boolean {
  try {
    return formatOf(output, format) === 'csv';
  } catch {
    return false;
  }
}

async function loadSchema(path: string): Promise<Schema> {
  const content = path.includes('://') ? await text(await createObjectStore().get(path)) : await readFile(path, 'utf8');
  return parseSchemaFile(content, path);
}
