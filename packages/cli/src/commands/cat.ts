import { once } from 'node:events';
import { catLines, FILE_FORMATS, type FileFormat } from '@etl/convert';
import { ndjsonRejects } from '@etl/core';
import { createObjectStore } from '@etl/object-store';
import { defineCommand, locationProblems, UsageError } from '../command.js';
import { READ_OPTIONS, readOptionsOf } from '../read-options.js';
import { runContext } from '../run-context.js';

const OPTIONS = {
  limit: { type: 'string', value: 'N', help: 'print at most N rows' },
  format: { type: 'string', value: 'parquet|csv|ndjson', help: "the file's format; from its extension when absent" },
} as const;

export const cat = defineCommand({
  name: 'cat',
  synopsis: '<path-or-s3-uri>',
  summary: "the file's rows as NDJSON",
  description: `Prints the rows of a CSV, NDJSON or Parquet file as JSON lines on stdout, typed as etl convert
types them (decimals as exact strings); records that cannot be read go to stderr as JSON lines.`,
  options: { ...OPTIONS, ...READ_OPTIONS },
  groups: [
    ['options', OPTIONS],
    ['read options (as etl sniff and etl convert take them)', READ_OPTIONS],
  ],
  async run(values, positionals) {
    const [uri, ...extra] = positionals;
    if (!uri) throw new UsageError('missing <path-or-s3-uri>');
    if (extra.length > 0) throw new UsageError(`takes one file, got also ${extra.join(' ')}`);
    const read = readOptionsOf(values);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    const problems = [
      limit !== undefined && !(Number.isInteger(limit) && limit >= 0) ? `--limit must be a whole number, got ${values.limit}` : undefined,
      values.format !== undefined && !(FILE_FORMATS as readonly string[]).includes(values.format)
        ? `--format must be one of ${FILE_FORMATS.join(', ')}, got ${values.format}`
        : undefined,
      ...read.problems,
      ...locationProblems({ '<path-or-s3-uri>': uri }),
    ].filter((p) => p !== undefined);
    if (problems.length > 0) throw new UsageError(problems.join('; '));
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
});
