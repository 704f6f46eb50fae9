/**
 * Glue-style job arguments: `--key value`, `--key=value`, and bare `--flag` (meaning "true").
 * Pure: returns the values and every problem found, never throws or exits.
 */
export interface ParsedArgs {
  values: Record<string, string>;
  /** Arguments given bare (`--dry_run`, no value): true for a flag, a mistake for anything else. */
  bare: Set<string>;
  problems: string[];
}

export function parseGlueArgs(argv: readonly string[]): ParsedArgs {
  const values: Record<string, string> = {};
  const bare = new Set<string>();
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
    else {
      value = 'true';
      bare.add(name);
    }
    if (name in values && values[name] !== value) problems.push(`--${name} is given twice ("${values[name]}" and "${value}")`);
    values[name] = value;
  }
  return { values, bare, problems };
}

/** `ETL_SOURCE` for `source`: the environment variable that can stand in for an argument. */
export function envNameFor(argName: string): string {
  return `ETL_${argName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The arguments AWS Glue itself reads or passes to every job run, by their exact names ("Using job
 * parameters in AWS Glue jobs", AWS Glue Developer Guide: job parameters reference, and the run-time
 * JOB_ID / JOB_RUN_ID / SECURITY_CONFIGURATION / encryption-type). A job accepts and ignores them;
 * anything else it does not know is an error, dashed or not (`--table-prefix` is `--table_prefix`).
 */
export const GLUE_SYSTEM_ARGS: ReadonlySet<string> = new Set([
  'JOB_ID',
  'JOB_RUN_ID',
  'SECURITY_CONFIGURATION',
  'TempDir',
  'RedshiftTempDir',
  'additional-python-modules',
  'auto-scale-within-microbatch',
  'class',
  'conf',
  'continuous-log-conversionPattern',
  'continuous-log-logGroup',
  'continuous-log-logStreamPrefix',
  'customer-driver-env-vars',
  'customer-executor-env-vars',
  'datalake-formats',
  'disable-proxy-v2',
  'enable-auto-scaling',
  'enable-continuous-cloudwatch-log',
  'enable-continuous-log-filter',
  'enable-data-lineage',
  'enable-glue-datacatalog',
  'enable-job-insights',
  'enable-lakeformation-fine-grained-access',
  'enable-metrics',
  'enable-observability-metrics',
  'enable-rename-algorithm-v2',
  'enable-s3-parquet-optimized-committer',
  'enable-spark-ui',
  'encryption-type',
  'executor-cores',
  'extra-files',
  'extra-jars',
  'extra-py-files',
  'job-bookmark-from',
  'job-bookmark-option',
  'job-bookmark-to',
  'job-language',
  'python-modules-installer-option',
  'scriptLocation',
  'spark-event-logs-path',
  'use-postgres-driver',
  'user-jars-first',
  'write-shuffle-files-to-s3',
  'write-shuffle-spills-to-s3',
]);

export function isGlueSystemArg(name: string): boolean {
  return GLUE_SYSTEM_ARGS.has(name);
}

/** `table-prefix` and `table_prefix` are one argument: the spelling jobs declare (underscores). */
export function canonicalArgName(name: string): string {
  return name.replace(/-/g, '_');
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
