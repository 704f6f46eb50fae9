import { locationProblem } from '@etl/object-store';
import { describeOptions, type OptionSpec, type OptionValues } from './parse-options.js';

/**
 * A mistake in how a command was called: reported as one line, `etl <command>: <problem>; see etl
 * <command> --help`, exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The places named (`<in>`, `--rejects` …) that name no place data can be (a bucket S3 would
 * refuse, `gs://`, a mistyped `s3:/bucket`), one problem each: a usage mistake, found before
 * anything is read or written.
 */
export function locationProblems(places: Record<string, string | undefined>): string[] {
  return Object.entries(places).flatMap(([name, uri]) => {
    const problem = uri === undefined ? undefined : locationProblem(uri);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

/** One `etl` command: its usage (shown by `--help`) and the options it parses, in named groups. */
export interface Command<S extends OptionSpec = OptionSpec> {
  name: string;
  /** What follows the name in the usage line: `<in> <out>`. */
  synopsis: string;
  /** One line for `etl help`. */
  summary: string;
  /** The paragraph under the usage line. */
  description: string;
  /** Every option it takes. */
  options: S;
  /** The options in groups, as `--help` lists them (`options`, `read options`). */
  groups: ReadonlyArray<readonly [title: string, spec: OptionSpec]>;
  /** Throws `UsageError` for a bad call; returns the exit code. */
  run(values: OptionValues<S>, positionals: string[]): Promise<number>;
}

/** A command whose `run` sees its own options typed; listed with the others as a plain `Command`. */
export function defineCommand<S extends OptionSpec>(command: Command<S>): Command {
  return command as unknown as Command;
}

export function commandHelp(command: Command): string {
  const groups = command.groups.map(([title, spec]) => `${title}:\n${describeOptions(spec)}`);
  return `usage: etl ${command.name} ${command.synopsis} [options]

${command.description}

${groups.join('\n\n')}

Options are --name value or --name=value; --a-b and --a_b are the same option.
`;
}

export function commandList(commands: readonly Command[]): string {
  const heads = commands.map((c) => `${c.name} ${c.synopsis}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return `usage: etl <command> [options]

commands:
${commands.map((c, i) => `  ${(heads[i] as string).padEnd(width)}${c.summary}`).join('\n')}

etl <command> --help shows what a command does and its options.
Exit codes: 0 done, 1 failed, 2 bad usage.
`;
}
