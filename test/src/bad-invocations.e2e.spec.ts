import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runBundled } from './run-bundled.js';

/**
 * The run contract, for every pipeline: a bad invocation exits 2 with a line naming the argument and
 * what to do, and changes nothing — the embedded defaults keep all their state under the working
 * folder's .local/, so "nothing changed" is: the folder holds only the files the case wrote.
 * Every folder under pipelines/ must have its cases here (a new pipeline registers by adding some).
 */
interface BadInvocation {
  name: string;
  /** Files written into the working folder first. */
  files?: Record<string, string>;
  args: string[];
  /** Lines stderr must contain. */
  says: RegExp[];
}

const customers = 'Customer ID,InvoiceNo,Name\n1,A-1,Ann\n';
const schema = 'column_name,data_type,nullable,key_order\nid,integer,false,1\nqty,integer,true,\n';
const unknownArgument: BadInvocation = {
  name: 'an unknown argument',
  args: ['--no_such_argument', 'x'],
  says: [/--no_such_argument: unknown argument/],
};

/** What AWS Glue passes to every run: with the job's own arguments forgotten, it must not become the sample. */
const onlyGlueArguments: BadInvocation = {
  name: 'only the arguments AWS Glue passes (--JOB_NAME, --JOB_RUN_ID): not the sample, the data arguments are required',
  args: ['--JOB_NAME', 'nightly', '--JOB_RUN_ID', 'jr_0123', '--enable-metrics', 'true'],
  says: [/required: it names the data of a real run/],
};

const cases: Record<string, BadInvocation[]> = {
  'sample-orders': [
    unknownArgument,
    onlyGlueArguments,
    { name: 'a misspelt argument', args: ['--sorce', 'x.ndjson'], says: [/--sorce: unknown argument \(did you mean --source\?\)/] },
    { name: 'a source without an output', args: ['--source', 'in.ndjson'], says: [/--output: required: it names the data of a real run/] },
    {
      name: 'a source that does not exist',
      args: ['--source', 'in.ndjson', '--output', 'out.ndjson'],
      says: [/--source: in\.ndjson does not exist/],
    },
  ],
  'csv-to-redshift': [
    unknownArgument,
    onlyGlueArguments,
    {
      name: 'a source without a table and keys (they used to fall back to the sample public.customers / customer_id)',
      files: { 'in/c.csv': customers },
      args: ['--source', 'in/c.csv'],
      says: [/--target_table: required/, /--upsert_keys: required/],
    },
    {
      name: 'a dashed typo of an argument (it used to be dropped as a Glue argument)',
      files: { 'in/c.csv': customers },
      args: ['--source', 'in/c.csv', '--target-table', 'public.c', '--upsert-keys', 'customer_id', '--max-reject', '0'],
      says: [/--max-reject: unknown argument \(did you mean --max_rejects\?\)/],
    },
    {
      name: 'an upsert key that is not a column',
      files: { 'in/c.csv': customers },
      args: ['--source', 'in/c.csv', '--target_table', 'public.c', '--upsert_keys', 'InvoiceNo,StockCode'],
      says: [/--upsert_keys: stockcode is not a column of .*c\.csv \(its columns, as cleaned: customer_id, invoiceno, name\)/],
    },
    {
      name: 'a Redshift target without an IAM role, a staging prefix or a region',
      files: { 'in/c.csv': customers },
      args: ['--source', 'in/c.csv', '--target_table', 'public.c', '--upsert_keys', 'customer_id', '--workgroup', 'analytics'],
      says: [
        /--iam_role: required with a Redshift workgroup/,
        /--staging_prefix: required with a Redshift workgroup or cluster: the s3:\/\/ prefix/,
        /AWS region: set AWS_REGION/,
      ],
    },
    {
      name: 'a Redshift target with a local staging prefix',
      files: { 'in/c.csv': customers },
      args: '--source in/c.csv --target_table public.c --upsert_keys customer_id --workgroup analytics --iam_role arn:aws:iam::1:role/copy --staging_prefix staging/'.split(
        ' ',
      ),
      says: [/--staging_prefix: Redshift COPYs from S3 only: give an s3:\/\/ prefix \(got staging\/\)/],
    },
    {
      name: '--check_only with a Redshift target missing its IAM role: refused by the same checks, before any probe',
      files: { 'in/c.csv': customers },
      args: [
        '--source',
        'in/c.csv',
        '--target_table',
        'public.c',
        '--upsert_keys',
        'customer_id',
        '--workgroup',
        'analytics',
        '--check_only',
      ],
      says: [/--iam_role: required with a Redshift workgroup/],
    },
    {
      name: 'a Parquet file given as the CSV source (it used to load garbage columns)',
      files: { 'in/data.csv': 'PAR1\u0015\u0004\u0015\u0010\u0015\u0014L\u0015\u0004\u0015\u0000\u0012\u0000\u0000PAR1' },
      args: ['--source', 'in/data.csv', '--target_table', 'public.c', '--upsert_keys', 'id'],
      says: [/--source: in\/data\.csv looks like Parquet, not CSV text: give the CSV file$/m],
    },
    {
      name: 'a source that does not exist',
      args: ['--source', 'in/nowhere.csv', '--target_table', 'public.c', '--upsert_keys', 'customer_id'],
      says: [/--source: in\/nowhere\.csv does not exist/],
    },
  ],
  'catalog-cdc-to-parquet': [
    unknownArgument,
    onlyGlueArguments,
    {
      name: 'a database without its output, watermark and primary-key paths (they must not fall back to the sample)',
      args: ['--athena_database_name', 'shop'],
      says: [/--output_path: required/, /--cdc_path: required/, /--primary_key_s3_prefix: required/],
    },
    {
      name: 'a primary-key prefix with no CSV, and a database the catalog does not have',
      files: { 'keys/readme.txt': 'the keys file goes here' },
      args: ['--athena_database_name', 'shop', '--output_path', 'out/', '--cdc_path', 'cdc/', '--primary_key_s3_prefix', 'keys/'],
      says: [
        /--primary_key_s3_prefix: no primary-key CSV \(table_name,primary_key\) under keys\//,
        /--athena_database_name: catalog database shop does not exist/,
      ],
    },
    {
      name: 'a primary-key file whose header is not table_name,primary_key',
      files: { 'keys/k.csv': 'table,key\norders,id\n' },
      args: ['--athena_database_name', 'shop', '--output_path', 'out/', '--cdc_path', 'cdc/', '--primary_key_s3_prefix', 'keys/'],
      says: [/--primary_key_s3_prefix: .*k\.csv: the header must be table_name,primary_key/],
    },
    {
      name: 'too little memory for the dedup',
      args: [
        '--athena_database_name',
        'shop',
        '--output_path',
        'out/',
        '--cdc_path',
        'cdc/',
        '--primary_key_s3_prefix',
        'keys/',
        '--memory_mb',
        '8',
      ],
      says: [/--memory_mb: must be at least 32/],
    },
  ],
  'catalog-join-to-parquet': [
    unknownArgument,
    onlyGlueArguments,
    {
      name: 'a database without its timestamp file and output paths (they must not fall back to the sample)',
      args: ['--database_name', 'datamart'],
      says: [/--timestamp_s3_path: required/, /--output_path: required/],
    },
    {
      name: 'a timestamp file that is not one (checked before the catalog)',
      files: { 'state/ts.csv': 'last load was yesterday\n' },
      args: ['--database_name', 'datamart', '--timestamp_s3_path', 'state/ts.csv', '--output_path', 'out/'],
      says: [/--timestamp_s3_path: .*ts\.csv: the value last load was yesterday is not an ISO-8601 time/],
    },
    {
      name: 'a database the catalog does not have',
      args: ['--database_name', 'datamart', '--timestamp_s3_path', 'state/ts.csv', '--output_path', 'out/'],
      says: [/--database_name datamart: catalog database datamart does not exist/],
    },
    {
      name: 'a join type that is not inner, left or full, and too little memory',
      args: [
        '--database_name',
        'datamart',
        '--timestamp_s3_path',
        'state/ts.csv',
        '--output_path',
        'out/',
        '--join_type',
        'outer',
        '--memory_mb',
        '8',
      ],
      says: [/--join_type: .*inner.*left.*full/, /--memory_mb: must be at least 16/],
    },
    {
      name: '--join_keys entries that are not table=column',
      args: [
        '--database_name',
        'datamart',
        '--timestamp_s3_path',
        'state/ts.csv',
        '--output_path',
        'out/',
        '--join_keys',
        'orders:acct_id',
      ],
      says: [/--join_keys: orders:acct_id is not table=column/],
    },
  ],
  'inventory-to-dynamodb': [
    unknownArgument,
    onlyGlueArguments,
    {
      name: 'dashed arguments with a typo (it used to load the sample table, exit 0)',
      files: { 'inv.csv': 'id,qty\n1,2\n', 's.csv': schema },
      args: ['--source', 'inv.csv', '--schema', 's.csv', '--table-prefix', 'acs-pop', '--output', 'out/', '--creat-table', 'yes'],
      says: [/--creat-table: unknown argument \(did you mean --create_table\?\)/],
    },
    {
      name: 'a source without its schema, table and output',
      files: { 'inv.csv': 'id,qty\n1,2\n' },
      args: ['--source', 'inv.csv'],
      says: [/--schema: required/, /--table_prefix: required/, /--output: required/],
    },
    {
      name: "a schema that is not the file's (it used to fail after looking for the table)",
      files: { 'inv.csv': 'sku,qty\n1,2\n', 's.csv': schema },
      args: ['--source', 'inv.csv', '--schema', 's.csv', '--table_prefix', 'inv', '--output', 'out/'],
      says: [/--source: inv\.csv has no column id, a key column of the schema \(key_order\) \(file columns: sku, qty\)/],
    },
    {
      name: 'a Parquet file given as the CSV source (it used to be decoded as windows-1256 and every row rejected)',
      files: { 'inv.csv': 'PAR1\u0015\u0004\u0015\u0010\u0015\u0014L\u0015\u0004\u0015\u0000\u0012\u0000\u0000PAR1', 's.csv': schema },
      args: ['--source', 'inv.csv', '--schema', 's.csv', '--table_prefix', 'inv', '--output', 'out/'],
      says: [/--source: inv\.csv looks like Parquet, not CSV text: give the CSV file$/m],
    },
    {
      name: 'a schema file that does not exist, and a missing source',
      args: ['--source', 'nowhere.csv', '--schema', 'missing-schema.csv', '--table_prefix', 'inv', '--output', 'out/'],
      says: [/--schema: .*missing-schema\.csv/, /--source: nowhere\.csv does not exist/],
    },
  ],
  'dynamodb-to-parquet': [
    unknownArgument,
    onlyGlueArguments,
    {
      name: 'a table without its output path (it must not export to the sample folder)',
      args: ['--table', 'orders'],
      says: [/--output_path: required: it names the data of a real run/],
    },
    {
      name: 'a schema file that does not exist, a partition unit that is not one, a catalog table without its database',
      args: [
        '--table',
        'orders',
        '--output_path',
        'out/',
        '--schema',
        'missing-schema.csv',
        '--partition_by',
        'InvoiceDate:week',
        '--catalog_table',
        'o',
      ],
      says: [
        /--schema: .*missing-schema\.csv/,
        /--partition_by: InvoiceDate:week: the unit must be year, month or day/,
        /--catalog_table: give --catalog_database too/,
      ],
    },
    {
      name: 'a native export without its S3 folder, a --since that is no time and without the export it applies to',
      args: ['--table', 'orders', '--output_path', 'out/', '--method', 'export', '--since', 'yesterday'],
      says: [
        /--since: "yesterday" is not an ISO time/,
        /--export_path: required with --method export/,
        /--base_export: required with --since/,
      ],
    },
    {
      name: 'places no store can reach: a bucket S3 refuses, a mistyped s3:/',
      args: ['--table', 'orders', '--output_path', 's3:/lake/out/', '--method', 'export', '--export_path', 's3://x/exports/'],
      says: [
        /--output_path: "s3:\/lake\/out\/" is neither a URI nor a path/,
        /--export_path: "s3:\/\/x\/exports\/" does not name a valid S3 bucket/,
      ],
    },
    {
      name: 'an incremental export window of 10 minutes',
      args: [
        '--table',
        'orders',
        '--output_path',
        'out/',
        '--method',
        'export',
        '--export_path',
        's3://lake/exports/',
        '--since',
        '2026-12-06T00:00:00Z',
        '--until',
        '2026-12-06T00:10:00Z',
        '--base_export',
        's3://lake/exports/manifest-summary.json',
      ],
      says: [
        /--since: the window 2026-12-06T00:00:00Z to 2026-12-06T00:10:00Z is 10 min; an incremental export takes 15 minutes to 24 hours/,
      ],
    },
    {
      name: 'export arguments with a scan',
      args: ['--table', 'orders', '--output_path', 'out/', '--since', '2026-12-06T00:00:00Z'],
      says: [/--since: only with --method export/],
    },
    {
      name: 'populate: a key column the CSV does not have',
      files: { 'c.csv': customers },
      args: ['populate', '--table', 'customers', '--source', 'c.csv', '--key', 'InvoiceNo,StockCode'],
      says: [/--key: StockCode is not a column of c\.csv \(columns: Customer ID, InvoiceNo, Name\)/],
    },
    {
      name: 'populate: a source that does not exist',
      args: ['populate', '--table', 'customers', '--source', 'nowhere.csv', '--key', 'id'],
      says: [/--source: nowhere\.csv does not exist/],
    },
  ],
};

const work = mkdtempSync(join(tmpdir(), 'bad-invocations-'));
const loadedModulesHook = fileURLToPath(new URL('./loaded-modules.cjs', import.meta.url));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('bad invocations, every pipeline: exit 2, a line naming the argument, nothing changed', () => {
  it('covers every pipeline of the repository', () => {
    const pipelines = readdirSync(join(repoRoot, 'pipelines'), { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(Object.keys(cases).sort()).toEqual(pipelines.map((e) => e.name).sort());
  });

  for (const [pipeline, invocations] of Object.entries(cases)) {
    for (const invocation of invocations) {
      it(`${pipeline}: ${invocation.name}`, async () => {
        const cwd = mkdtempSync(join(work, `${pipeline}-`));
        for (const [path, content] of Object.entries(invocation.files ?? {})) {
          mkdirSync(dirname(join(cwd, path)), { recursive: true });
          writeFileSync(join(cwd, path), content);
        }
        const before = filesUnder(cwd);
        const loaded = join(work, `${pipeline}-${basename(cwd)}.loaded`);
        const result = await runBundled(pipeline, invocation.args, {
          cwd,
          // Quoted: NODE_OPTIONS splits on spaces, and a checkout's path may hold some.
          env: { NODE_OPTIONS: `--require "${loadedModulesHook}"`, LOADED_MODULES_FILE: loaded },
        });
        expect(result.code, result.stderr + result.stdout).toBe(2);
        for (const line of invocation.says) expect(result.stderr).toMatch(line);
        expect(result.stderr).not.toMatch(/\bat .*\.m?js:\d+/); // no stack trace
        expect(result.stdout).toBe(''); // refused before the run started: no log lines
        expect(filesUnder(cwd)).toEqual(before);
        // Nor did it pay for loading what it never used: the AWS SDK is loaded on first use.
        expect(
          readFileSync(loaded, 'utf8')
            .split('\n')
            .filter((path) => /node_modules[\\/](@aws-sdk|pino-pretty)[\\/]/.test(path)),
        ).toEqual([]);
      });
    }
  }
});
