import { TerminalError } from '@etl/core';
import { crashCommand } from './crash-command.js';
import { faultsCommand } from './faults-command.js';
import { inputsCommand } from './inputs-command.js';
import { loadCommand } from './load-command.js';

/** `node tools/chaos/dist/chaos.mjs <campaign> [options]` (the `chaos:<campaign>` targets). Exit 0 clean, 1 found something, 2 bad arguments. */
const commands: Record<string, (argv: readonly string[], out: (line: string) => void) => Promise<number>> = {
  crash: crashCommand,
  inputs: inputsCommand,
  faults: faultsCommand,
  load: loadCommand,
};

const [name = '', ...argv] = process.argv.slice(2);
const command = commands[name];
const out = (line: string) => void process.stdout.write(`${line}\n`);
if (!command) {
  process.stderr.write(`chaos: give a campaign: ${Object.keys(commands).join(', ')}\n`);
  process.exitCode = 2;
} else {
  try {
    process.exitCode = await command(argv, out);
  } catch (error) {
    process.stderr.write(`chaos ${name}: ${error instanceof TerminalError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exitCode = error instanceof TerminalError && error.code === 'BAD_ARGUMENT' ? 2 : 1;
  }
}
