import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { runJob, type JobDefinition } from '@etl/runtime';
import type { ArgsShape } from '@etl/runtime';

/** Test helpers of this pipeline's specs (not part of the bundle: only specs import them). */

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  figures: Record<string, unknown>;
  runDir: string | undefined;
}

/** Runs a job as `main` does; the figures come from the run's report.json (named on the closing log line). */
export async function run<S extends ArgsShape>(job: JobDefinition<S>, argv: string[], env: Record<string, string> = {}): Promise<Ran> {
  const stdout = capture();
  const stderr = capture();
  const code = await runJob(job, { argv, env, stdout, stderr, handleSignals: false });
  const closing = stdout.text.split('\n').find((l) => l.includes('"outcome"'));
  const reportFile = closing ? (JSON.parse(closing) as { report: string }).report : undefined;
  const report = reportFile ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { figures?: Record<string, unknown> }) : undefined;
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    figures: report?.figures ?? {},
    runDir: reportFile ? reportFile.replace(/\/report\.json$/, '') : undefined,
  };
}

/** Rows of a DuckDB query, BigInts and decimals as strings for comparison. */
export async function duck(sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'"); // the files' timestamps are UTC instants (TIMESTAMPTZ)
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Per-column figures of the retail data, the same SQL over the CSV (the last row of each key, as the table holds) and over the dataset. */
export function retailFigures(from: string): string {
  return `SELECT count(*) AS rows, sum(quantity) AS quantity, sum(unitprice) AS unitprice, sum(customerid) AS customerid,
    count(DISTINCT invoiceno) AS invoices, count(DISTINCT stockcode) AS stockcodes, count(DISTINCT customerid) AS customers,
    count(DISTINCT country) AS countries, count(DISTINCT description) AS descriptions, count(description) AS described,
    min(invoicedate) AS first, max(invoicedate) AS last FROM ${from}`;
}

/** The source CSV as the table holds it: the last row of each (InvoiceNo, StockCode), typed as the export types it. */
export function csvAsTable(csv: string): string {
  return `(SELECT InvoiceNo AS invoiceno, StockCode AS stockcode, nullif(Description, '') AS description,
      CAST(Quantity AS BIGINT) AS quantity, CAST(InvoiceDate || 'Z' AS TIMESTAMPTZ) AS invoicedate, CAST(UnitPrice AS DECIMAL(38,2)) AS unitprice,
      CAST(CAST(nullif(CustomerID, '') AS DECIMAL(38,1)) AS BIGINT) AS customerid, Country AS country
    FROM (SELECT *, row_number() OVER () AS line FROM read_csv('${csv}', all_varchar = true, header = true))
    QUALIFY row_number() OVER (PARTITION BY InvoiceNo, StockCode ORDER BY line DESC) = 1)`;
}
