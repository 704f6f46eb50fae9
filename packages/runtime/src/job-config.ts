import { z } from 'zod';
import { localFolderProblem, locationProblem } from '@etl/object-store';
import { canonicalArgName, closestName, envNameFor, isGlueSystemArg, parseGlueArgs } from './glue-args.js';

export type ArgsShape = z.ZodRawShape;

/** The validated arguments of a job whose shape is `S` (what `run` receives). */
export type JobConfig<S extends ArgsShape> = z.infer<z.ZodObject<S>>;

export type ConfigResult<T> = { ok: true; config: T; ignored: string[]; sample: boolean } | { ok: false; problems: string[] };

/** Flags (`arg.flag`): the only arguments that may be given bare. */
const FLAGS = new WeakSet<z.ZodType>();

/** Sample values of the arguments that name data (`arg.data`), as they would be written on the command line. */
const SAMPLES = new WeakMap<z.ZodType, string>();

/** The sample value of an argument that names data, or undefined. */
export function sampleOf(schema: z.ZodType): string | undefined {
  return SAMPLES.get(schema);
}

/**
 * Arguments, then `ETL_<NAME>` environment variables, validated by one zod schema. Reports every
 * problem at once, each naming the argument, so a user fixes a command line in one go.
 * `--a-b` is `--a_b`; AWS Glue's own arguments (by exact name) are accepted and ignored; any other
 * unknown argument is a problem, with the closest known name.
 * Arguments that name data (`arg.data`: source, table, keys …) are required, except in sample mode:
 * when nothing but `runArgs` (where a run's logs and state go) is given, or `--sample` is, each takes
 * its sample value, so the bundled sample runs with no arguments at all and a real run never falls
 * back to sample data it did not ask for.
 */
export function resolveJobConfig<S extends ArgsShape>(
  shape: S,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { runArgs?: readonly string[] } = {},
): ConfigResult<z.infer<z.ZodObject<S>>> {
  const parsed = parseGlueArgs(argv);
  const problems = [...parsed.problems];
  const known = Object.keys(shape);
  const input: Record<string, string> = {};
  const ignored: string[] = [];
  const given = new Set<string>();
  /** Arguments whose value came from the environment: a problem with one names the variable. */
  const fromEnvironment = new Set<string>();
  for (const name of known) {
    const fromEnv = env[envNameFor(name)];
    if (fromEnv === undefined || fromEnv === '') continue;
    input[name] = fromEnv;
    given.add(name);
    fromEnvironment.add(name);
  }
  const spelling = new Map<string, string>();
  /** Arguments already named in a problem: zod's "required" would say it twice. */
  const reported = new Set<string>();
  for (const [raw, value] of Object.entries(parsed.values)) {
    if (isGlueSystemArg(raw)) {
      ignored.push(raw);
      continue;
    }
    const name = canonicalArgName(raw);
    if (!(name in shape)) {
      const hint = closestName(name, known);
      problems.push(`--${raw}: unknown argument${hint ? ` (did you mean --${hint}?)` : ''}`);
      continue;
    }
    if (parsed.bare.has(raw) && !FLAGS.has(shape[name] as z.ZodType)) {
      problems.push(`--${raw}: needs a value (--${raw} <value> or --${raw}=<value>)`);
      reported.add(name);
      continue;
    }
    const other = spelling.get(name);
    if (other !== undefined && parsed.values[other] !== value)
      problems.push(`--${other} and --${raw} are one argument, given twice ("${parsed.values[other]}" and "${value}")`);
    spelling.set(name, raw);
    input[name] = value;
    given.add(name);
    fromEnvironment.delete(name);
  }
  const samples = known.flatMap((name) => {
    const sample = sampleOf(shape[name] as z.ZodType);
    return sample === undefined ? [] : [[name, sample] as const];
  });
  const runArgs = new Set(options.runArgs ?? []);
  const asked = input['sample'] === undefined ? undefined : z.stringbool().safeParse(input['sample']).data;
  const sample = samples.length > 0 && (asked ?? [...given].every((n) => runArgs.has(n)));
  if (sample) for (const [name, value] of samples) input[name] ??= value;
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? '');
      if (reported.has(name)) continue;
      const names = samples.some(([n]) => n === name) && input[name] === undefined;
      problems.push(
        names
          ? `--${name}: required: it names the data of a real run (with no arguments, or --sample, the bundled sample runs)`
          : `${fromEnvironment.has(name) ? `${envNameFor(name)} (--${name})` : `--${name}`}: ${describeIssue(issue, input[name])}`,
      );
    }
  }
  if (problems.length > 0 || !result.success) return { ok: false, problems };
  return { ok: true, config: result.data, ignored, sample };
}

function describeIssue(issue: z.core.$ZodIssue, given: string | undefined): string {
  if (given === undefined && issue.code === 'invalid_type')
    return `required${issue.message && !issue.message.startsWith('Invalid input') ? ` (${issue.message})` : ''}`;
  // A message that quotes the value already (a location's) is not told it again.
  return given === undefined || issue.message.includes(`"${given}"`) ? issue.message : `${issue.message} (got "${given}")`;
}

export interface ArgHelp {
  name: string;
  env: string;
  required: boolean;
  defaultValue?: unknown;
  /** For an argument that names data: its value in sample mode. */
  sample?: string;
  description?: string;
  /** An enum's values. */
  choices?: string[];
}

/**
 * A schema's description, looked for through the wrappers around it: `arg.string('…').default(x)`
 * describes the inner schema, and `.default()` (or `.optional()`) wraps it in one without one.
 */
function descriptionOf(schema: z.ZodType): string | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    if (current.description) return current.description;
    current = (current._zod.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

/** What `--help` prints, derived from the same schema that validates. */
export function describeArgs(shape: ArgsShape): ArgHelp[] {
  return Object.entries(shape).map(([name, schema]) => {
    const probe = (schema as z.ZodType).safeParse(undefined);
    const description = descriptionOf(schema as z.ZodType);
    return {
      name,
      env: envNameFor(name),
      required: !probe.success,
      ...(sampleOf(schema as z.ZodType) === undefined ? {} : { sample: sampleOf(schema as z.ZodType) }),
      ...(probe.success && probe.data !== undefined ? { defaultValue: probe.data } : {}),
      ...(description ? { description } : {}),
      ...(choicesOf(schema as z.ZodType) ? { choices: choicesOf(schema as z.ZodType) } : {}),
    };
  });
}

/** The values an enum argument takes, looked for through its wrappers (`.default()`, `.optional()`). */
function choicesOf(schema: z.ZodType): string[] | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    if (current instanceof z.ZodEnum) return current.options.map(String);
    current = (current._zod.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

export function formatHelp(jobName: string, description: string, shape: ArgsShape): string {
  const rows = describeArgs(shape).map((arg) => {
    const tail =
      arg.sample !== undefined
        ? `${arg.required ? 'required' : 'optional'}; sample: ${arg.sample}`
        : arg.required
          ? 'required'
          : arg.defaultValue === undefined
            ? 'optional'
            : `default: ${JSON.stringify(arg.defaultValue)}`;
    const choices = arg.choices ? `one of ${arg.choices.join(', ')}; ` : '';
    return `  --${arg.name.padEnd(20)} ${arg.description ?? ''} [${choices}${tail}; env ${arg.env}]`;
  });
  return `${jobName}: ${description}\n\nArguments (--name value or --name=value; Glue-style; --a-b is --a_b). With no arguments, or --sample, the bundled sample runs:\n${rows.join('\n')}\n`;
}

/** Argument types Glue jobs need: everything arrives as a string. */
export const arg = {
  /**
   * An argument that names data (source, schema, table, keys): required in a real run, `sample` in
   * sample mode (a list as written on the command line: `a,b`).
   */
  data: <T extends z.ZodType>(schema: T, sample: string | readonly string[]): T => {
    SAMPLES.set(schema, typeof sample === 'string' ? sample : sample.join(','));
    return schema;
  },
  string: (description: string) => z.string().min(1, 'must not be empty').describe(description),
  optionalString: (description: string) => z.string().min(1, 'must not be empty').optional().describe(description),
  /**
   * Where data is read or written: `s3://bucket/key`, `file:///path` or a path, its shape checked
   * here (a bucket name S3 would refuse, `gs://`, a typo like `s3:/bucket`) so the run is refused
   * before it starts rather than failing on its first write.
   */
  location: (description: string) => place(locationProblem).describe(description),
  optionalLocation: (description: string) => place(locationProblem).optional().describe(description),
  /** A folder on this machine (embedded data, spill files): an S3 URI or a mistyped one is refused. */
  folder: (description: string) => place(localFolderProblem).describe(description),
  optionalFolder: (description: string) => place(localFolderProblem).optional().describe(description),
  /** A bare `--dry_run`, or `--dry_run true/false/1/0/yes/no`. */
  flag: (description: string) => {
    const flag = z.stringbool().default(false).describe(description);
    FLAGS.add(flag);
    return flag;
  },
  /** A whole number >= 1, or >= `least.min` with the reason (`{ min: 5, why: 'S3 minimum part size' }`). */
  positiveInt: (description: string, defaultValue: number, least?: { min: number; why: string }) =>
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(least?.min ?? 1, least ? `must be at least ${least.min} (${least.why})` : 'must be positive')
      .default(defaultValue)
      .describe(description),
  /** A whole number >= 1, or absent: the consumer then chooses (say, from the machine). */
  optionalPositiveInt: (description: string) =>
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be positive')
      .optional()
      .describe(description),
  /** `a,b,c` -> ['a', 'b', 'c']. */
  list: (description: string) =>
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      )
      .pipe(z.array(z.string()).min(1, 'must name at least one value'))
      .describe(description),
  enum: <const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number], description: string) =>
    z
      .enum(values, { error: `must be one of ${values.join(', ')}` })
      .default(defaultValue as never)
      .describe(description),
};

/** A string naming a place, refused with `problemOf`'s reason. */
function place(problemOf: (uri: string) => string | undefined) {
  return z
    .string()
    .min(1, 'must not be empty')
    .superRefine((uri, ctx) => {
      // An empty value is said once, by `min`.
      const problem = uri === '' ? undefined : problemOf(uri);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}
