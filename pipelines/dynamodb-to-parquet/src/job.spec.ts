import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCatalog } from '@etl/catalog';
import { createObjectStore } from '@etl/object-store';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledSample } from './config.js';
import { exportJob } from './job.js';
import { populateJob } from './populate.js';
import { csvAsTable, duck, retailFigures, run } from './testing/run.js';

const dir = mkdtempSync(join(tmpdir(), 'dynamodb-to-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const local = join(dir, 'local');
const output = join(dir, 'out', 'retail');

describe('dynamodb-to-parquet on the embedded defaults (dynalite, local files, JSON catalog)', () => {
  it('the sample: the embedded table filled from the bundled retail CSV, exported by month; every figure equals DuckDB over the CSV', async () => {
    const one = await run(exportJob, ['--sample', '--output_path', output, '--local_dir', local]);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.figures).toMatchObject({ table: 'online-retail-sample', itemsScanned: 7846, rows: 7846, rejected: 0, schema: 'inferred' });
    expect(one.figures['columns']).toEqual([
      'pk string not null',
      'country string not null',
      'customerid bigint',
      'description string',
      'invoicedate timestamp not null',
      'invoiceno string not null',
      'quantity bigint not null',
      'stockcode string not null',
      'unitprice decimal(38,2) not null',
      'created_at timestamp not null',
      'updated_at timestamp not null',
    ]);

    // Athena-style: the partition folders read with hive_partitioning; the month folders match each row's date.
    const generation = String(one.figures['generation']).replace('file://', '');
    const dataset = `read_parquet('${generation}/**/*.parquet', hive_partitioning = true)`;
    const [fromCsv] = await duck(retailFigures(csvAsTable(bundledSample)));
    const [fromParquet] = await duck(retailFigures(dataset));
    expect(fromParquet).toEqual(fromCsv);
    expect(fromCsv).toMatchObject({ rows: '7846' });
    expect(
      await duck(`SELECT invoicedate_year AS y, invoicedate_month AS m, count(*) AS n FROM ${dataset}
        WHERE invoicedate_year <> year(invoicedate) OR invoicedate_month <> month(invoicedate) GROUP BY ALL`),
    ).toEqual([]);
    expect(await duck(`SELECT DISTINCT invoicedate_year || '-' || invoicedate_month AS month FROM ${dataset} ORDER BY 1`)).toEqual([
      { month: '2010-12' },
      { month: '2011-08' }, // zero-padded folders
      { month: '2011-12' },
    ]);
    expect(one.figures).toMatchObject({
      partitions: 3,
      files: 3,
      catalogTable: 'retail.online_retail_sample',
      catalogAction: 'create',
      catalogPartitions: 3,
    });

    // The catalog has the table and every partition, at this run's folders.
    const catalog = new FileCatalog(createObjectStore(), join(local, 'catalog'));
    const table = await catalog.getTable('retail', 'online_retail_sample');
    expect(table?.partitionKeys.map((k) => k.name)).toEqual(['invoicedate_year', 'invoicedate_month']);
    expect(table?.columns.find((c) => c.name === 'unitprice')?.type).toBe('decimal(38,2)');
    expect((await catalog.listPartitions('retail', 'online_retail_sample')).map((p) => [p.values.join('-'), p.location])).toEqual(
      ['2010-12', '2011-08', '2011-12'].map((m) => {
        const [y, mo] = m.split('-');
        return [m, `${String(one.figures['generation'])}/invoicedate_year=${y}/invoicedate_month=${mo}/`];
      }),
    );

    // Populate again: nothing changed, nothing written. Export again: a new generation, the same rows.
    const again = await run(populateJob, ['--sample', '--local_dir', local]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.figures).toMatchObject({ new: 0, changed: 0, unchanged: 7846, repeatedKeys: 129, written: 0 });
    const two = await run(exportJob, ['--sample', '--output_path', output, '--local_dir', local]);
    expect(two.code, two.stdout).toBe(0);
    expect(two.figures['generation']).not.toBe(one.figures['generation']);
    expect(two.figures).toMatchObject({ rows: 7846, catalogAction: 'update', catalogColumnsAdded: [] });
    const manifest = JSON.parse(readFileSync(join(output, '_manifest.json'), 'utf8')) as { generation: string; rows: number };
    expect(manifest).toMatchObject({ generation: two.figures['generation'], rows: 7846 });
    const [second] = await duck(retailFigures(`read_parquet('${manifest.generation.replace('file://', '')}/**/*.parquet')`));
    expect(second).toEqual(fromCsv);
  });

  it('a run failing after the scan says how many items it read (it said 0 rows read)', async () => {
    const failed = await run(exportJob, [
      '--sample',
      '--output_path',
      join(dir, 'never'),
      '--local_dir',
      local,
      '--partition_by',
      'Nope:month',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/run failed: 7846 rows read, 0 written before it failed, 0 rejected in /);
  });

  it('a declared schema that changes catalog types: exit 1 with nothing published; with --allow_type_change it is applied', async () => {
    const schema = join(dir, 'schema.csv');
    writeFileSync(
      schema,
      'column_name,data_type,nullable\npk,varchar,false\nInvoiceDate,timestamp,false\nQuantity,"decimal(10,2)",false\nUnitPrice,"decimal(10,3)",false\n',
    );
    const before = readFileSync(join(output, '_manifest.json'), 'utf8');
    const refused = await run(exportJob, ['--sample', '--output_path', output, '--local_dir', local, '--schema', schema]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'catalog table retail.online_retail_sample: quantity bigint -> decimal(10,2), unitprice decimal(38,2) -> decimal(10,3); pass --allow_type_change',
    );
    expect(readFileSync(join(output, '_manifest.json'), 'utf8')).toBe(before);

    const allowed = await run(exportJob, [
      '--sample',
      '--output_path',
      output,
      '--local_dir',
      local,
      '--schema',
      schema,
      '--allow_type_change',
    ]);
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.figures).toMatchObject({ schema: 'declared', rows: 7846, rejected: 0, catalogAction: 'update' });
    expect(allowed.figures['attributesNotInSchema']).toEqual([
      'Country',
      'CustomerID',
      'Description',
      'InvoiceNo',
      'StockCode',
      'created_at',
      'updated_at',
    ]);
    const table = await new FileCatalog(createObjectStore(), join(local, 'catalog')).getTable('retail', 'online_retail_sample');
    // The declared columns take their types; columns this run no longer writes are kept for older files and queries.
    expect(table?.columns.map((c) => `${c.name} ${c.type}`)).toContain('quantity decimal(10,2)');
    expect(table?.columns.map((c) => c.name)).toContain('country');
    const generation = String(allowed.figures['generation']).replace('file://', '');
    expect(
      await duck(`SELECT sum(quantity)::VARCHAR AS q, any_value(typeof(quantity)) AS t FROM read_parquet('${generation}/**/*.parquet')`),
    ).toEqual([{ q: (await duck(retailFigures(csvAsTable(bundledSample))))[0]?.['quantity'] + '.00', t: 'DECIMAL(10,2)' }]);
  });

  it('an identity partition (--partition_by Country) is a folder and a catalog partition key, not also a data column', async () => {
    const out = join(dir, 'out', 'by-country');
    const ran = await run(exportJob, [
      '--sample',
      '--output_path',
      out,
      '--local_dir',
      local,
      '--partition_by',
      'Country',
      '--catalog_table',
      'by_country',
    ]);
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.figures).toMatchObject({ rows: 7846, partitions: 10, catalogPartitions: 10 });
    const table = await new FileCatalog(createObjectStore(), join(local, 'catalog')).getTable('retail', 'by_country');
    expect(table?.partitionKeys).toEqual([{ name: 'country', type: 'string' }]);
    expect(table?.columns.map((c) => c.name)).not.toContain('country');
    const dataset = `read_parquet('${String(ran.figures['generation']).replace('file://', '')}/**/*.parquet', hive_partitioning = true)`;
    expect(await duck(`SELECT count(*)::INTEGER AS n, count(DISTINCT country)::INTEGER AS countries FROM ${dataset}`)).toEqual([
      { n: 7846, countries: 10 },
    ]);
  });

  it('a misspelt --partition_by is refused before the scan with --schema (exit 2), before anything is written without; a 2-character --table in one line', async () => {
    const out = join(dir, 'out', 'typo');
    const schema = join(dir, 'typo-schema.csv');
    writeFileSync(schema, 'column_name,data_type,nullable\npk,varchar,false\nInvoiceDate,timestamp,false\nQuantity,int,false\n');
    const declared = await run(exportJob, [
      '--sample',
      '--output_path',
      out,
      '--local_dir',
      local,
      '--schema',
      schema,
      '--partition_by',
      'Invoicedate:month',
    ]);
    expect(declared.code, declared.stdout + declared.stderr).toBe(2);
    expect(declared.stderr).toContain(
      '--partition_by: Invoicedate:month: no attribute Invoicedate (attributes: pk, InvoiceDate, Quantity); names are case-sensitive',
    );
    expect(declared.stdout).toBe(''); // refused before the run started: nothing scanned

    const inferred = await run(exportJob, ['--sample', '--output_path', out, '--local_dir', local, '--partition_by', 'Invoicedate:month']);
    expect(inferred.code).toBe(1);
    const lines = inferred.stdout.split('\n').filter((l) => l.includes('--partition_by: Invoicedate:month: no attribute Invoicedate ('));
    expect(lines.length, inferred.stdout).toBeGreaterThan(0);
    expect(await createObjectStore().head(join(out, '_manifest.json'))).toBeUndefined();

    const twoCharacters = [
      await run(exportJob, ['--table', 'ab', '--output_path', out, '--local_dir', local]),
      await run(populateJob, ['--table', 'ab', '--source', bundledSample, '--key', 'InvoiceNo', '--local_dir', local]),
    ];
    for (const short of twoCharacters) {
      expect(short.code, short.stdout + short.stderr).toBe(2);
      expect(short.stderr.split('\n').filter((l) => l.includes('--table'))).toEqual([
        '  --table: "ab" is not a DynamoDB table name: 3 to 255 characters of a-z, A-Z, 0-9, _ - . (DynamoDB\'s naming rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html)',
      ]);
    }
  });

  it('populate refuses a --key other than the one the table was loaded with, before writing an item', async () => {
    const csv = join(dir, 'lines.csv');
    writeFileSync(csv, 'InvoiceNo,StockCode,Quantity\n1,A,1\n1,B,2\n2,A,3\n');
    const args = (...key: string[]) => [
      '--table',
      'lines-keyed',
      '--source',
      csv,
      '--key',
      ...key,
      '--create_table',
      'yes',
      '--local_dir',
      local,
    ];
    expect((await run(populateJob, args('InvoiceNo,StockCode'))).figures).toMatchObject({ new: 3, written: 3 });
    const wrong = await run(populateJob, args('InvoiceNo'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /--key InvoiceNo: lines-keyed holds items keyed by other columns \(an item's pk is "\d#[AB]", not its InvoiceNo "\d"\): give --key as the table was loaded; nothing was written/,
    );
    // The right key again: nothing new, nothing changed (the refused run wrote nothing).
    expect((await run(populateJob, args('InvoiceNo,StockCode'))).figures).toMatchObject({ new: 0, changed: 0, unchanged: 3, written: 0 });
  });

  it('populate refuses a file whose one bad value would retype an attribute as a string in every item, naming the value', async () => {
    const good = join(dir, 'typed.csv');
    writeFileSync(good, 'Sku,Quantity,Gift\nA,1,true\nB,2,false\nC,3,true\n');
    const args = (csv: string) => ['--table', 'typed', '--source', csv, '--key', 'Sku', '--create_table', 'yes', '--local_dir', local];
    expect((await run(populateJob, args(good))).figures).toMatchObject({ new: 3, written: 3 });
    const typo = join(dir, 'typo.csv');
    writeFileSync(typo, 'Sku,Quantity,Gift\nA,1,true\nB,2x,false\nC,4,true\n');
    const refused = await run(populateJob, args(typo));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${typo}: Quantity is a number (N) in the items of typed, but not every value of the file is one (line 3: "2x"): every item would be rewritten with Quantity as a string (S); fix the value, or load into another table; nothing was written`,
    );
    // Nothing was written: the good file again finds every item as it left it.
    expect((await run(populateJob, args(good))).figures).toMatchObject({ new: 0, changed: 0, unchanged: 3, written: 0 });
    const bools = join(dir, 'bools.csv');
    writeFileSync(bools, 'Sku,Quantity,Gift\nA,1,true\nB,2,maybe\nC,3,true\n');
    expect((await run(populateJob, args(bools))).stderr).toContain(
      'Gift is a boolean (BOOL) in the items of typed, but not every value of the file is one (line 3: "maybe")',
    );
    // A column empty on every row is typed as text but writes no attribute: not refused.
    const blank = join(dir, 'blank-quantity.csv');
    writeFileSync(blank, 'Sku,Quantity,Gift\nA,,true\nB,,false\nC,,true\n');
    const blanked = await run(populateJob, args(blank));
    expect(blanked.code, blanked.stderr).toBe(0);
  });

  it('populate of a file with a header and no rows succeeds with a warning, creating no table (as every pipeline)', async () => {
    const csv = join(dir, 'header-only.csv');
    writeFileSync(csv, 'InvoiceNo,StockCode,Quantity\n');
    const args = ['--table', 'never-made', '--source', csv, '--key', 'InvoiceNo', '--create_table', 'yes', '--local_dir', local];
    const empty = await run(populateJob, args);
    expect(empty.code, empty.stdout).toBe(0);
    expect(empty.figures).toMatchObject({ rowsRead: 0, written: 0 });
    expect(empty.stdout).toContain(`${csv} holds no rows: no table created, no item written to never-made`);
    expect(empty.stdout).not.toContain('creating DynamoDB table');
    // The table is still missing: a run that does not create it says so.
    const after = await run(populateJob, [
      '--table',
      'never-made',
      '--source',
      bundledSample,
      '--key',
      'InvoiceNo,StockCode',
      '--create_table',
      'no',
      '--local_dir',
      local,
    ]);
    expect(after.stderr).toContain('DynamoDB table never-made does not exist');
  });

  it('populate screens the file for rejects before creating the table or writing an item: --max_reject_ratio and --max_rejects fail with nothing written', async () => {
    const csv = join(dir, 'ragged.csv');
    // One row of five has a field too many: 20% rejected, past the default --max_reject_ratio 0.1.
    writeFileSync(csv, 'InvoiceNo,StockCode,Quantity\n1,A,1\n2,B,2\n3,C,3,extra\n4,D,4\n5,E,5\n');
    const args = (table: string, ...more: string[]) => [
      '--table',
      table,
      '--source',
      csv,
      '--key',
      'InvoiceNo',
      '--create_table',
      'yes',
      '--local_dir',
      local,
      ...more,
    ];
    for (const [table, limit] of [
      ['screened-ratio', []],
      ['screened-max', ['--max_rejects', '0', '--max_reject_ratio', '1']],
    ] as const) {
      const refused = await run(populateJob, args(table, ...limit));
      expect(refused.code, refused.stdout).toBe(1);
      expect(refused.stdout).not.toContain(`creating DynamoDB table ${table}`);
      // Allowed now: the table is created and every good row is new, so the refused run wrote nothing.
      const allowed = await run(populateJob, args(table, '--max_reject_ratio', '0.5'));
      expect(allowed.code, allowed.stdout).toBe(0);
      expect(allowed.stdout).toContain(`creating DynamoDB table ${table}`);
      expect(allowed.figures).toMatchObject({ rowsRead: 5, new: 4, unchanged: 0, written: 4, rejected: 1 });
    }
  });
});
