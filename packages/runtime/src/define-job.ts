import type { z } from 'zod';
import type { RunContext, Shard } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import type { Connections } from './connections.js';
import type { ArgsShape } from './job-config.js';

/** Where a run's own outputs go: `<run_output>/<runId>/…`. */
export interface RunOutputs {
  runDir: string;
  report: string;
  logs: string;
  rejects: string;
}

/** What the runtime hands every job besides its config. */
export interface JobDeps {
  objects: ObjectStore;
  /** Warehouse, catalog and DynamoDB: AWS when configured, else embedded under `--local_dir`. */
  connections: Connections;
  outputs: RunOutputs;
  env: NodeJS.ProcessEnv;
  /**
   * This run's share of the work as an AWS Batch array job child (`AWS_BATCH_JOB_ARRAY_INDEX` of
   * `AWS_BATCH_JOB_ARRAY_SIZE`); the whole run (`owns` always true) otherwise. Jobs load only the
   * items (files, tables, segments) whose name `shard.owns`.
   */
  shard: Shard;
}

export interface JobResult {
  /** Data outputs to name in the run report, e.g. `{ data: 's3://…/part-0.parquet' }`. */
  outputs?: Record<string, string>;
  /** The job's own figures (items new/changed, files loaded …): written to the run report as `figures`. */
  figures?: Record<string, unknown>;
  /**
   * The run failed after all, with its figures and outputs standing (some tables loaded, others
   * failed, each with its reason in the figures): outcome `failed`, exit 1, this error in the report.
   * A job that throws instead has no figures in its report.
   */
  error?: Error;
}

/** What a job's `check` may use: reading, never writing. */
export interface CheckDeps {
  objects: ObjectStore;
  env: NodeJS.ProcessEnv;
}

export interface JobDefinition<S extends ArgsShape> {
  /** Default job name (Glue's `--JOB_NAME` overrides it per run). */
  name: string;
  description: string;
  /** One zod schema for the job's arguments: validation, defaults and `--help` come from it. */
  args: S;
  /**
   * A job argument that also names where the run's outputs (report, logs, rejects) go, for contracts
   * that have their own name for it (seed 000's `--error_prefix`). `--run_output` means the same; both
   * at once must agree.
   */
  runOutputArg?: keyof S & string;
  /**
   * Checks that need no data, run before anything is opened, created, moved or written: companions
   * of arguments (an IAM role for Redshift), files the run needs (schema, source), names in a header.
   * Each problem is one line naming the argument and what to do; any problem is exit 2, nothing changed.
   */
  check?(config: z.infer<z.ZodObject<S>>, deps: CheckDeps): Promise<string[]>;
  run(config: z.infer<z.ZodObject<S>>, ctx: RunContext, deps: JobDeps): Promise<JobResult | void>;
}

export function defineJob<S extends ArgsShape>(job: JobDefinition<S>): JobDefinition<S> {
  return job;
}

/**
 * A ready-made `check`: the objects the named arguments point at exist (a prefix ending in `/` is not
 * checked), e.g. `check: objectsExist('source')`. A missing one is "--source: <uri> does not exist".
 */
export function objectsExist(...names: string[]): (config: Record<string, unknown>, deps: CheckDeps) => Promise<string[]> {
  return async (config, { objects }) => {
    const problems: string[] = [];
    for (const name of names) {
      const uri = config[name];
      if (typeof uri !== 'string' || uri.endsWith('/')) continue;
      if ((await objects.head(uri)) === undefined) problems.push(`--${name}: ${uri} does not exist`);
    }
    return problems;
  };
}
