/**
 * `etl`: the data engineer's look at a file before loading it, one-off conversions, and queries
 * against the warehouse the pipelines load. `etl help` lists the commands, `etl <command> --help`
 * shows one; a usage mistake is one line naming it (exit 2), a failure one line with its cause (exit 1).
 */
import { commandHelp, commandList, UsageError, type Command } from './command.js';
import { cat } from './commands/cat.js';
import { convert } from './commands/convert.js';
import { sniff } from './commands/sniff.js';
import { sql } from './commands/sql.js';
import { editDistance, parseOptions } from './parse-options.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const COMMANDS: readonly Command[] = [sniff, convert, cat, sql];

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(command ? commandHelp(command) : commandList(COMMANDS));
    return 0;
  }
  if (!name) return usageError('etl', `which command? ${COMMANDS.map((c) => c.name).join(', ')}`, 'etl --help');
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = COMMANDS.find((c) => editDistance(name, c.name) <= 2);
    return usageError('etl', `unknown command "${name}"${near ? `; did you mean ${near.name}?` : ''}`, 'etl --help');
  }
  const options = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const see = `etl ${name} --help`;
  const parsed = parseOptions(rest, command.options);
  if (parsed.problems.length > 0) return usageError(`etl ${name}`, parsed.problems.join('; '), see);
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) return usageError(`etl ${name}`, error.message, see);
    process.stderr.write(`etl ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

/** `etl convert: missing <out>; see etl convert --help`, and exit code 2. */
function usageError(who: string, problem: string, see: string): number {
  process.stderr.write(`${who}: ${problem}; see ${see}\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
