/**
 * `etl`: the data engineer's look at a file before loading it, and one-off conversions.
 *   etl sniff <path-or-s3-uri> [--encoding X] [--sample-bytes N]
 *   etl convert <in> <out> [--schema FILE] [--encoding X] [--delimiter X] [--format F] [--rejects URI] [--max-rejects N] [--compression C] [--no-header] [--part-mb N]
 *   etl cat <file> [--limit N] [--format F] [--encoding X] [--delimiter X]
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import {
  abortCause,
  countingRejects,
  createLogger,
  createRunContext,
  limitedRejects,
  ndjsonRejects,
  newRunId,
  startProgress,
  TerminalError,
  type RejectOutput,
  type RunContext,
} from '@etl/core';
import { catLines, convert, FILE_FORMATS, formatOf, sniffFile, type FileFormat, type ReadOptions } from '@etl/convert';
import { createObjectStore, objectRejects, type ObjectStore } from '@etl/object-store';
import type { CompressionName } from '@etl/parquet';
import { parseSchemaFile, type Schema } from '@etl/schema';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE = `usage: etl <command> [options]

commands:
  sniff <path-or-s3-uri> [--encoding LABEL] [--sample-bytes N]
        print the file's encoding, CSV dialect, header and inferred column types as JSON
  convert <in> <out> [--schema FILE] [--format parquet|csv|ndjson] [--rejects URI] [--max-rejects N]
                     [--compression snappy|gzip|zstd|none] [--null-marker S] [--no-header] [--part-mb N]
                     [read options]
        convert between CSV, NDJSON and Parquet (local paths or s3:// URIs, .gz text read and written);
        bad records go to --rejects (default <out>.rejects.ndjson); prints the run report as JSON.
        With --max-rejects N, more than N bad records stop the run (exit 1) and <out> is not written.
        --no-header: CSV output without a header line. --part-mb N: CSV/NDJSON output as parts of at
        most N MB before compression, each a whole file, named by {part} in <out> (part-{part}.csv.gz
        -> part-00000.csv.gz, …): what Redshift's COPY loads in parallel (CSV parts need --no-header)
  cat <file> [--limit N] [--format parquet|csv|ndjson] [read options]
        print rows as NDJSON

read options:
  --encoding LABEL          text encoding (WHATWG label); detected when absent
  --delimiter C             CSV delimiter (\\t for tab); sniffed when absent
  --skip-lines N            physical lines above the CSV header to drop
  --join-short-rows         join a CSV row with too few fields to the next (unquoted line breaks)
  --null-values A,B,...     texts read as null in every column, e.g. NA,N/A,NONE,NULL,.
  --decimal-separator ,     numbers written with a decimal comma (1,7)
  --group-separator .       thousands separator to drop from numbers (200.000.000)
  --time-zone ZONE          IANA zone of timestamps without an offset (default UTC)
  --infer-from sample|file  CSV without --schema: types from the first MiB (default) or from every
                            record (one more pass over the file; a late text value types its column)
`;

const COMPRESSIONS = ['snappy', 'gzip', 'zstd', 'none'] as const;

/** How an input is read; shared by convert and cat. */
const READ_OPTIONS = {
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'skip-lines': { type: 'string' },
  'join-short-rows': { type: 'boolean' },
  'null-values': { type: 'string' },
  'decimal-separator': { type: 'string' },
  'group-separator': { type: 'string' },
  'time-zone': { type: 'string' },
  'infer-from': { type: 'string' },
} as const;

type ReadValues = { [K in keyof typeof READ_OPTIONS]?: (typeof READ_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The read options, or the list of problems with them. */
function readOptionsOf(values: ReadValues): { options: ReadOptions; problems: string[] } {
  const problems: string[] = [];
  const options: ReadOptions = {};
  if (values.encoding) options.encoding = values.encoding;
  if (values.delimiter !== undefined) {
    const delimiter = unescape(values.delimiter);
    if (delimiter.length !== 1) problems.push(`--delimiter must be one character (\\t for tab), got ${values.delimiter}`);
    else options.delimiter = delimiter;
  }
  if (values['skip-lines'] !== undefined) {
    const n = Number(values['skip-lines']);
    if (!Number.isInteger(n) || n < 0) problems.push(`--skip-lines must be a whole number, got ${values['skip-lines']}`);
    else options.skipLines = n;
  }
  if (values['join-short-rows']) options.joinShortRows = true;
  if (values['null-values'] !== undefined) options.nullValues = values['null-values'].split(',');
  if (values['decimal-separator'] !== undefined) {
    if (values['decimal-separator'] !== '.' && values['decimal-separator'] !== ',')
      problems.push(`--decimal-separator must be . or , got ${values['decimal-separator']}`);
    else options.decimalSeparator = values['decimal-separator'];
  }
  if (values['group-separator'] !== undefined) options.groupSeparator = values['group-separator'];
  if (values['time-zone']) options.timeZone = values['time-zone'];
  if (values['infer-from'] !== undefined) {
    if (values['infer-from'] !== 'sample' && values['infer-from'] !== 'file')
      problems.push(`--infer-from must be sample or file, got ${values['infer-from']}`);
    else options.inferFrom = values['infer-from'];
  }
  return { options, problems };
}

interface Command {
  run(args: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  sniff: {
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { encoding: { type: 'string' }, 'sample-bytes': { type: 'string' } },
      });
      const [uri] = positionals;
      if (!uri || positionals.length > 1) return usage('etl sniff takes exactly one file');
      const sampleBytes = values['sample-bytes'] === undefined ? undefined : Number(values['sample-bytes']);
      if (sampleBytes !== undefined && !(sampleBytes > 0))
        return usage(`--sample-bytes must be a positive number, got ${values['sample-bytes']}`);
      const result = await sniffFile(createObjectStore(), uri, {
        ...(sampleBytes ? { sampleBytes } : {}),
        ...(values.encoding ? { encoding: values.encoding } : {}),
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    },
  },
  convert: {
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          ...READ_OPTIONS,
          schema: { type: 'string' },
          format: { type: 'string' },
          rejects: { type: 'string' },
          'max-rejects': { type: 'string' },
          compression: { type: 'string' },
          'null-marker': { type: 'string' },
          'no-header': { type: 'boolean' },
          'part-mb': { type: 'string' },
        },
      });
      const [input, output] = positionals;
      if (!input || !output || positionals.length > 2) return usage('etl convert takes an input and an output');
      const read = readOptionsOf(values);
      const maxRejects = values['max-rejects'] === undefined ? undefined : Number(values['max-rejects']);
      const partMb = values['part-mb'] === undefined ? undefined : Number(values['part-mb']);
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
        partMb !== undefined && !values['no-header'] && csvOutput(output, values.format)
          ? '--part-mb with CSV output needs --no-header (no part repeats the header line)'
          : undefined,
        ...read.problems,
      ].filter((p) => p !== undefined);
      if (problems.length > 0) return usage(problems.join('\n'));
      const store = createObjectStore();
      const schema = values.schema ? await loadSchema(values.schema) : undefined;
      const rejectsUri = values.rejects ?? `${output}.rejects.ndjson`;
      const abort = new AbortController();
      const allRejects = objectRejects(store, rejectsUri);
      const rejects =
        maxRejects === undefined
          ? allRejects
          : limitedRejects(allRejects, maxRejects, (count) =>
              abort.abort(
                new TerminalError(
                  'TOO_MANY_REJECTS',
                  `${count} records rejected, more than --max-rejects ${maxRejects}: stopped, ${output} not written; see ${rejectsUri}`,
                ),
              ),
            );
      const ctx = runContext('etl-convert', rejects, abort);
      // A live line on a terminal (rows, bytes, rate, time); nothing extra when stderr is piped.
      const stopProgress = process.stderr.isTTY ? startProgress(ctx, process.stderr) : () => undefined;
      try {
        const report = await convert(
          store,
          {
            ...read.options,
            input,
            output,
            ...(values.format ? { format: values.format as FileFormat } : {}),
            ...(schema ? { schema } : {}),
            ...(values.compression ? { compression: values.compression as CompressionName } : {}),
            ...(values['null-marker'] === undefined ? {} : { nullMarker: values['null-marker'] }),
            ...(values['no-header'] ? { writeHeader: false } : {}),
            ...(partMb === undefined ? {} : { partBytes: Math.ceil(partMb * 1024 * 1024) }),
            counted: true,
          },
          ctx,
        );
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
  },
  cat: {
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { ...READ_OPTIONS, limit: { type: 'string' }, format: { type: 'string' } },
      });
      const [uri] = positionals;
      if (!uri || positionals.length > 1) return usage('etl cat takes exactly one file');
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      const read = readOptionsOf(values);
      const problems = [
        limit !== undefined && !(Number.isInteger(limit) && limit >= 0) ? `--limit must be a whole number, got ${values.limit}` : undefined,
        values.format !== undefined && !(FILE_FORMATS as readonly string[]).includes(values.format)
          ? `--format must be one of ${FILE_FORMATS.join(', ')}, got ${values.format}`
          : undefined,
        ...read.problems,
      ].filter((p) => p !== undefined);
      if (problems.length > 0) return usage(problems.join('\n'));
      // Bad records are reported on stderr, one JSON line each, and the rows go on.
      const ctx = runContext('etl-cat', ndjsonRejects(process.stderr));
      const lines = catLines(
        createObjectStore(),
        uri,
        { ...read.options, ...(limit === undefined ? {} : { limit }), ...(values.format ? { format: values.format as FileFormat } : {}) },
        ctx,
      );
      for await (const text of lines) {
        if (!process.stdout.write(text)) await once(process.stdout, 'drain');
      }
      return 0;
    },
  },
};

/** Whether the output is CSV, by --format or by its extension (an unknown one is convert's to report). */
function csvOutput(output: string, format: string | undefined): boolean {
  try {
    return formatOf(output, format) === 'csv';
  } catch {
    return false;
  }
}

/** `\t` as typed on a command line means tab. */
const unescape = (text: string) => (text === '\\t' ? '\t' : text);

async function loadSchema(path: string): Promise<Schema> {
  const store: ObjectStore = createObjectStore();
  const text = path.includes('://')
    ? await (await import('node:stream/consumers')).text(await store.get(path))
    : await readFile(path, 'utf8');
  return parseSchemaFile(text, path);
}

/** Warnings and errors as JSON lines on stderr; stdout is the command's output. */
function runContext(jobName: string, rejects: RejectOutput = countingRejects(), abort = new AbortController()): RunContext {
  const runId = newRunId();
  const logger = createLogger({
    runId,
    jobName,
    level: (process.env['LOG_LEVEL'] as 'info' | undefined) ?? 'warn',
    destination: process.stderr,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`stopped by ${signal}`)));
  return createRunContext({ jobName, runId, logger, rejects, signal: abort.signal });
}

function usage(problem?: string): number {
  if (problem) process.stderr.write(`etl: ${problem}\n`);
  process.stderr.write(USAGE);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) return usage(`unknown command "${name}"`);
  try {
    return await command.run(rest);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
      e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
    )
      return usage(e.message);
    process.stderr.write(`etl ${name}: ${e.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
