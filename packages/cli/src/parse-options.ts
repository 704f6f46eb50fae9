/**
 * One option of a command: how it is parsed and how `--help` shows it (one definition drives both).
 * Names are written with dashes; `--a_b` on the command line is the same option as `--a-b`, as the
 * pipelines write their arguments.
 */
export interface OptionDefinition {
  type: 'string' | 'boolean';
  /** A boolean that `--no-<name>` sets false. */
  negatable?: boolean;
  /** The value's placeholder in `--help` (`N`, `FILE`). */
  value?: string;
  help: string;
}

export type OptionSpec = Readonly<Record<string, OptionDefinition>>;

export type OptionValues<S extends OptionSpec> = { -readonly [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string };

export interface ParsedOptions<S extends OptionSpec> {
  values: OptionValues<S>;
  positionals: string[];
  /** What is wrong, one short phrase each (`unknown option --skip-line; did you mean --skip-lines?`). */
  problems: string[];
}

/** `--a_b` -> `a-b`: the option's name as the spec writes it. */
export const optionName = (flag: string): string => flag.replace(/^--/, '').replace(/_/g, '-');

/**
 * Command-line words -> option values and positionals. `--name value`, `--name=value`, a bare
 * `--flag` (true), `--no-flag` for negatable booleans; `--` ends the options. Only `--` followed by a
 * letter starts an option, so a query beginning with `-- comment` or a value like `-5` is a positional.
 * Pure: problems are returned, all of them, not thrown.
 */
export function parseOptions<S extends OptionSpec>(args: readonly string[], spec: S): ParsedOptions<S> {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    const option = /^--([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!option) {
      if (/^-[A-Za-z]$/.test(arg)) problems.push(unknownOption(arg, spec));
      else positionals.push(arg);
      continue;
    }
    const name = optionName(option[1] as string);
    const inline = option[2];
    const definition = spec[name];
    const negated = !definition && name.startsWith('no-') ? spec[name.slice(3)] : undefined;
    if (negated?.type === 'boolean' && negated.negatable) {
      if (inline !== undefined) problems.push(`--${name} takes no value`);
      else values[name.slice(3)] = false;
    } else if (!definition) {
      problems.push(unknownOption(`--${name}`, spec));
    } else if (definition.type === 'boolean') {
      if (inline === undefined || inline === 'true') values[name] = true;
      else if (inline === 'false') values[name] = false;
      else problems.push(`--${name} is true or false, got ${inline}`);
    } else if (inline !== undefined) {
      values[name] = inline;
    } else if (i + 1 < args.length) {
      values[name] = args[++i] as string;
    } else {
      problems.push(`--${name} needs a value${definition.value ? ` (${definition.value})` : ''}`);
    }
  }
  return { values: values as OptionValues<S>, positionals, problems };
}

/** `unknown option --skip-line; did you mean --skip-lines?` (the suggestion when one is close). */
function unknownOption(flag: string, spec: OptionSpec): string {
  if (!flag.startsWith('--')) return `unknown option ${flag} (options are written --name)`;
  const given = optionName(flag);
  const names = Object.entries(spec).flatMap(([name, d]) => (d.negatable ? [name, `no-${name}`] : [name]));
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = name.startsWith(given) && given.length >= 3 ? 1 : editDistance(given, name);
    if (distance <= Math.max(2, Math.floor(name.length / 4)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return `unknown option ${flag}${best ? `; did you mean --${best.name}?` : ''}`;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/** The `--help` lines of a spec, each option's help wrapped to fit `columns`. */
export function describeOptions(spec: OptionSpec, columns = 100): string {
  const flags = Object.entries(spec).map(([name, d]) => [
    `--${d.negatable ? `[no-]${name}` : name}${d.value ? ` ${d.value}` : ''}`,
    d.help,
  ]);
  const width = Math.max(...flags.map(([flag]) => (flag as string).length)) + 2;
  return flags
    .map(([flag, help]) =>
      wrap(help as string, Math.max(40, columns - width - 2))
        .map((line, i) => `  ${(i === 0 ? (flag as string) : '').padEnd(width)}${line}`)
        .join('\n'),
    )
    .join('\n');
}

/** Words into lines of at most `columns` characters (a longer word keeps its own line). */
function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
