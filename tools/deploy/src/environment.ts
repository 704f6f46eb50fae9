import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployTarget } from './arns.js';
import type { PipelineResources } from './declaration.js';

/**
 * One deployment environment (`environments/<name>.json`): the account and region its stacks go to, and
 * what the names the pipelines declare are called there. Declarations name resources once
 * (`s3://etl-lake/…`, `etl-warehouse`, `analytics`); an environment maps each name it renames:
 *
 *   { "account": "123456789012", "region": "eu-west-1",
 *     "names": { "etl-lake": "acme-prod-lake", "etl-warehouse": "prod-warehouse" } }
 *
 * A name is renamed as an S3 bucket (in every `s3://` URI and a trigger's `bucket`) and as a whole string
 * anywhere else in a declaration: DynamoDB tables and prefixes, Glue databases, the Redshift cluster,
 * workgroup, database and secret, and argument values of schedules and triggers that equal it.
 */
export interface Environment {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  /** Declared name -> this environment's name. */
  readonly names?: Readonly<Record<string, string>>;
}

/** Reads and checks `<dir>/<name>.json`; every problem is one line naming the file and what to change. */
export function readEnvironment(dir: string, name: string): Environment {
  const file = join(dir, `${name}.json`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`--environment ${name}: give the name of a file in ${dir}/ without .json (letters, digits, -), such as example`);
  }
  if (!existsSync(file)) {
    const known = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    throw new Error(
      `--environment ${name}: no ${file}; environments: ${known.map((f) => f.slice(0, -'.json'.length)).join(', ') || 'none'} (copy environments/example.json)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`);
  }
  const problems = environmentProblems(parsed);
  if (problems.length > 0) throw new Error(problems.map((p) => `${file}: ${p}`).join('\n'));
  return parsed as Environment;
}

function environmentProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be an object with account, region and names'];
  const env = value as Record<string, unknown>;
  const problems: string[] = [];
  const known = new Set(['account', 'region', 'partition', 'names']);
  for (const key of Object.keys(env)) if (!known.has(key)) problems.push(`unknown field "${key}" (fields: ${[...known].join(', ')})`);
  problems.push(...targetProblems({ account: env['account'], region: env['region'], partition: env['partition'] ?? 'aws' }));
  const names = env['names'];
  if (names !== undefined) {
    if (typeof names !== 'object' || names === null || Array.isArray(names)) problems.push('names must map declared names to names');
    else
      for (const [from, to] of Object.entries(names))
        if (typeof to !== 'string' || to.length === 0) problems.push(`names."${from}" must be a non-empty string`);
  }
  return problems;
}

/** What is wrong with an account, region and partition, one line each starting with the field's name. */
export function targetProblems(target: { account: unknown; region: unknown; partition: unknown }): string[] {
  const problems: string[] = [];
  const { account, region, partition } = target;
  if (typeof account !== 'string' || !/^\d{12}$/.test(account))
    problems.push(`account: ${JSON.stringify(account ?? null)} is not a 12-digit AWS account id`);
  // The shape of a region name (eu-west-1, us-gov-west-1, ap-southeast-5); which ones exist, AWS says at deploy.
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region))
    problems.push(`region: ${JSON.stringify(region ?? null)} is not an AWS region name such as eu-west-1`);
  if (typeof partition !== 'string' || !['aws', 'aws-cn', 'aws-us-gov'].includes(partition))
    problems.push(`partition: ${JSON.stringify(partition)} must be aws, aws-cn or aws-us-gov`);
  return problems;
}

export function targetOf(environment: Environment): DeployTarget {
  return { account: environment.account, region: environment.region, partition: environment.partition ?? 'aws' };
}

/**
 * Every declaration with the environment's names in place of the declared ones (see `Environment`).
 * A name the environment maps that no declaration uses is an error: a typo would otherwise deploy the
 * declared name unnoticed.
 */
export function renameResources(
  pipelines: Readonly<Record<string, PipelineResources>>,
  names: Readonly<Record<string, string>>,
): Record<string, PipelineResources> {
  const used = new Set<string>();
  const rename = (text: string): string => {
    const uri = /^s3:\/\/([^/]+)(\/.*)?$/.exec(text);
    const name = uri ? (uri[1] as string) : text;
    const renamed = Object.hasOwn(names, name) ? names[name] : undefined;
    if (renamed === undefined) return text;
    used.add(name);
    return uri ? `s3://${renamed}${uri[2] ?? ''}` : renamed;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return rename(value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const renamed = Object.fromEntries(Object.entries(pipelines).map(([pipeline, resources]) => [pipeline, walk(resources)])) as Record<
    string,
    PipelineResources
  >;
  const unused = Object.keys(names).filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new Error(
      `names ${unused.map((n) => `"${n}"`).join(', ')} match nothing the pipelines declare (pipelines/*/src/resources.ts): fix the spelling or remove them`,
    );
  }
  return renamed;
}
