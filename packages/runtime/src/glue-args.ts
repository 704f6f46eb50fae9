/**
 * Glue-style job arguments: `--key value`, `--key=value`, and bare `--flag` (meaning "true").
 * Pure: returns the values and every problem found, never throws or exits.
 */
export interface ParsedArgs {
  values: Record<string, string>;
  problems: string[];
}

export function parseGlueArgs(argv: readonly string[]): ParsedArgs {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('--') || token === '--') {
      problems.push(`unexpected "${token}": arguments are written --name value or --name=value`);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    if (name === '') {
      problems.push(`"${token}" has no argument name`);
      continue;
    }
    let value: string;
    if (eq !== -1) value = token.slice(eq + 1);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) value = argv[++i] as string;
    else value = 'true';
    if (name in values && values[name] !== value) problems.push(`--${name} is given twice ("${values[name]}" and "${value}")`);
    values[name] = value;
  }
  return { values, problems };
}

/** `ETL_SOURCE` for `source`: the environment variable that can stand in for an argument. */
export function envNameFor(argName: string): string {
  return `ETL_${argName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Arguments AWS Glue passes to every job (`--job-bookmark-option`, `--TempDir` …); not ours to validate. */
export function isGlueSystemArg(name: string): boolean {
  return (
    name.includes('-') ||
    name === 'TempDir' ||
    name === 'JOB_ID' ||
    name === 'JOB_RUN_ID' ||
    name === 'SECURITY_CONFIGURATION' ||
    name === 'encryption-type'
  );
}

/** The closest known name within two edits, for "did you mean" hints. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
