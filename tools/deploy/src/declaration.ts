/**
 * What a pipeline needs on AWS, declared once in `pipelines/<name>/src/resources.ts` and turned by this tool
 * into its Batch job definition (size, bounded-memory settings), its task role (least privilege) and its
 * schedules and triggers. Plain data: the pure helpers (`taskPolicy`, `boundedMemory`, `checkResources`)
 * are tested without CDK.
 *
 * Argument values may name the deployment's `{partition}`, `{region}` and `{account}`: they are filled in at synth.
 */
export interface PipelineResources {
  /** Fargate vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16. */
  readonly vcpu: FargateVcpu;
  /** Container memory (MiB): a combination Fargate accepts for `vcpu` (`checkResources` names the valid ones). */
  readonly memoryMiB: number;
  /** Disk for /tmp, the only writable path (spill files, spools), in GiB: 21 to 200 [default: Fargate's 20]. */
  readonly tmpGiB?: number;
  /** A run still going after this long is stopped by Batch (its report says aborted). */
  readonly timeoutMinutes: number;
  /** Batch attempts of a failed run (1 = no retry); the pipelines' reruns are idempotent. */
  readonly attempts?: number;
  /**
   * Arguments that bound the pipeline's memory, as a share of the container's (`{ memory_mb: 0.5 }`: half of
   * `memoryMiB`); set as `ETL_<NAME>` in the job's environment. The V8 heap limit is set from `memoryMiB` too.
   */
  readonly memoryArgs?: Readonly<Record<string, number>>;
  /**
   * V8's young-generation semi-space limit in MiB (`--max-semi-space-size`, 1 to 256) [default: V8's, up to 16 on
   * 64-bit]. Small keeps a job that streams items through short-lived objects near its live heap (dynamodb-to-parquet:
   * 4); large lets a job that holds batches of rows for a while collect them young instead of promoting them.
   */
  readonly semiSpaceMiB?: number;
  /** Where each run's report, logs and rejects go (`--run_output`, set as `ETL_RUN_OUTPUT`); granted read and write. */
  readonly runOutput: S3Uri;
  readonly s3?: readonly S3Grant[];
  readonly dynamodb?: readonly DynamoDbGrant[];
  readonly glue?: readonly GlueGrant[];
  readonly redshift?: RedshiftGrant;
  /** Runs started by EventBridge Scheduler. */
  readonly schedule?: ScheduledRun;
  /** Runs started by S3 object-created events (the bucket must send events to EventBridge). */
  readonly trigger?: ObjectCreatedTrigger;
}

export type FargateVcpu = 0.25 | 0.5 | 1 | 2 | 4 | 8 | 16;
export type S3Uri = `s3://${string}`;

/** A pipeline's arguments, Glue-style names without `--`; `true` is a bare flag. */
export type JobArgs = Readonly<Record<string, string | true>>;

export interface S3Grant {
  /** `s3://bucket/prefix/`: the grant covers every key under the prefix (a whole bucket: `s3://bucket/`). */
  readonly uri: S3Uri;
  /** read: get and list; readWrite: also put, delete (moves, sweeps) and multipart uploads. */
  readonly access: 'read' | 'readWrite';
}

export interface DynamoDbGrant {
  /** One table by name, or every table whose name starts with `tablePrefix` (inventory's "latest table by prefix"). */
  readonly table?: string;
  readonly tablePrefix?: string;
  /** read: describe, scan and get; readWrite: also writes; export: native export to S3 (point-in-time recovery). */
  readonly access: 'read' | 'readWrite' | 'export';
}

export interface GlueGrant {
  readonly database: string;
  /** read: database, tables and partitions; readWrite: also creates the database and creates or updates its tables and partitions. */
  readonly access: 'read' | 'readWrite';
}

/** The Redshift Data API on one cluster (or Serverless workgroup) and database. */
export interface RedshiftGrant {
  readonly clusterId?: string;
  /** Serverless: IAM names a workgroup by its id, not its name. */
  readonly workgroup?: { readonly name: string; readonly id: string };
  readonly database: string;
  /** Secrets Manager secret name holding the database credentials (else temporary credentials for `dbUser`). */
  readonly secretName?: string;
  readonly dbUser?: string;
}

export interface ScheduledRun {
  /** EventBridge Scheduler cron fields: minute hour day-of-month month day-of-week year (`0 8 * * ? *`). */
  readonly cron: string;
  /** IANA time zone of the cron expression. */
  readonly timeZone: string;
  readonly args: JobArgs;
  /** Jobs that read this run's output, started one after another once it succeeded (a Step Functions chain). */
  readonly then?: readonly ChainedRun[];
}

export interface ChainedRun {
  readonly pipeline: string;
  readonly args: JobArgs;
}

export interface ObjectCreatedTrigger {
  readonly bucket: string;
  /** Keys under this prefix start a run each (e.g. `customers/in/`). */
  readonly prefix: string;
  /** The argument that receives `s3://<bucket>/<key>` of the new object. */
  readonly sourceArg: string;
  readonly args: JobArgs;
}
