import { sniffFile } from '@etl/convert';
import { createObjectStore } from '@etl/object-store';
import { defineCommand, locationProblems, UsageError } from '../command.js';
import { READ_OPTIONS, readOptionsOf } from '../read-options.js';
import { runContext } from '../run-context.js';

const OPTIONS = {
  'sample-bytes': {
    type: 'string',
    value: 'N',
    help: 'bytes read from the start of the file (default 1048576, held in memory while sniffing)',
  },
} as const;

export const sniff = defineCommand({
  name: 'sniff',
  synopsis: '<path-or-s3-uri>',
  summary: "the file's encoding, CSV dialect, header and inferred column types, as JSON",
  description: `Prints one JSON object: encoding (encodingGiven: true when --encoding named it), confidence,
bom, delimiter, quote, header, lineEnding, columns [{ name, type, nullable }] and sampledRows. Types are exact (decimal(p,s) with the digits
seen) and inferred from the values as etl convert reads them with the same read options.`,
  options: { ...OPTIONS, ...READ_OPTIONS },
  groups: [
    ['options', OPTIONS],
    ['read options (as etl convert and etl cat take them)', READ_OPTIONS],
  ],
  async run(values, positionals) {
    const [uri, ...extra] = positionals;
    if (!uri) throw new UsageError('missing <path-or-s3-uri>');
    if (extra.length > 0) throw new UsageError(`takes one file, got also ${extra.join(' ')}`);
    const read = readOptionsOf(values);
    const sampleBytes = values['sample-bytes'] === undefined ? undefined : Number(values['sample-bytes']);
    if (sampleBytes !== undefined && !(Number.isInteger(sampleBytes) && sampleBytes > 0))
      read.problems.push(`--sample-bytes must be a positive whole number, got ${values['sample-bytes']}`);
    read.problems.push(...locationProblems({ '<path-or-s3-uri>': uri }));
    if (read.problems.length > 0) throw new UsageError(read.problems.join('; '));
    const result = await sniffFile(createObjectStore(), uri, {
      ...read.options,
      ...(sampleBytes === undefined ? {} : { sampleBytes }),
      ...(read.options.inferFrom === 'file' ? { ctx: runContext('etl-sniff') } : {}),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
});
