/**
 * `etl`: the data engineer's look at a file before loading it.
 *   etl sniff <path-or-s3-uri> [--encoding X] [--sample-bytes N]
 * Later commands (`convert`, `cat`) plug into the same table.
 */
import { parseArgs } from 'node:util';
import { createObjectStore } from '@etl/object-store';
import { sniffFile } from './sniff.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE = `usage: etl <command> [options]

commands:
  sniff <path-or-s3-uri> [--encoding LABEL] [--sample-bytes N]
        print the file's encoding, CSV dialect, header and inferred column types as JSON
`;

interface Command {
  run(args: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  sniff: {
    async run(args) {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { encoding: { type: 'string' }, 'sample-bytes': { type: 'string' } } });
      const [uri] = positionals;
      if (!uri || positionals.length > 1) return usage('etl sniff takes exactly one file');
      const sampleBytes = values['sample-bytes'] === undefined ? undefined : Number(values['sample-bytes']);
      if (sampleBytes !== undefined && !(sampleBytes > 0)) return usage(`--sample-bytes must be a positive number, got ${values['sample-bytes']}`);
      const result = await sniffFile(createObjectStore(), uri, { ...(sampleBytes ? { sampleBytes } : {}), ...(values.encoding ? { encoding: values.encoding } : {}) });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    },
  },
};

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
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return usage(e.message);
    process.stderr.write(`etl ${name}: ${e.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
