import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  RedshiftDataClient,
  type DescribeStatementResponse,
} from '@aws-sdk/client-redshift-data';
import { gzipSync } from 'node:zlib';
import { ParquetWriter } from '@etl/parquet';
import { parseSchemaCsv } from '@etl/schema';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../moto.js';
import { LOCAL_CREDENTIALS } from '../local-aws.js';
import { s3ClientFor } from '../aws-clients.js';
import { openSqlBackend, startRedshiftData, type RedshiftDataStandIn, type WarehouseEngine } from './index.js';

let moto: MotoServer;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  s3 = s3ClientFor(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'staging' }));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

/** The same checks, through the real SDK client, on both warehouse engines. */
for (const engine of ['pglite', 'postgres'] as WarehouseEngine[]) {
  describe(`Redshift Data API stand-in on ${engine}`, () => {
    let standIn: RedshiftDataStandIn;
    let client: RedshiftDataClient;
    const target = { WorkgroupName: 'local', Database: 'dev' };

    beforeAll(async () => {
      standIn = await startRedshiftData({ backend: await openSqlBackend(engine), s3 });
      client = new RedshiftDataClient({ endpoint: standIn.endpoint, region: LOCAL_CREDENTIALS.region, credentials: LOCAL_CREDENTIALS });
    }, 120_000);
    afterAll(async () => {
      client?.destroy();
      await standIn?.stop();
    });

    async function finished(id: string): Promise<DescribeStatementResponse> {
      for (;;) {
        const d = await client.send(new DescribeStatementCommand({ Id: id }));
        if (d.Status === 'FINISHED' || d.Status === 'FAILED' || d.Status === 'ABORTED') return d;
        await delay(10);
      }
    }

    async function sql(text: string, Parameters?: Array<{ name: string; value: string }>) {
      const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: text, ...(Parameters ? { Parameters } : {}) }));
      return finished(String(Id));
    }

    it('runs statements asynchronously and returns typed results', async () => {
      expect(
        (
          await sql(
            `CREATE TABLE public.orders (id bigint NOT NULL, name varchar(100), price decimal(38,18), qty smallint, ok boolean, at timestamp) DISTSTYLE KEY DISTKEY(id) SORTKEY(id)`,
          )
        ).Status,
      ).toBe('FINISHED');
      const insert = await sql(
        `INSERT INTO public.orders VALUES (:id, :name, 12.3400, 3, true, '2026-11-01 09:15:00'), (2, NULL, 0.5, 1, false, getdate())`,
        [
          { name: 'id', value: '1' },
          { name: 'name', value: '株式会社' },
        ],
      );
      expect(insert).toMatchObject({ Status: 'FINISHED', ResultRows: 2, HasResultSet: false });
      const select = await sql('SELECT id, name, price, qty, ok, at FROM public.orders ORDER BY id');
      expect(select).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 2 });
      const result = await client.send(new GetStatementResultCommand({ Id: select.Id }));
      expect(result.ColumnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
        ['id', 'int8'],
        ['name', 'varchar'],
        ['price', 'numeric'],
        ['qty', 'int2'],
        ['ok', 'bool'],
        ['at', 'timestamp'],
      ]);
      expect(result.Records?.[0]).toEqual([
        { longValue: 1 },
        { stringValue: '株式会社' },
        { stringValue: '12.340000000000000000' },
        { longValue: 3 },
        { booleanValue: true },
        { stringValue: '2026-11-01 09:15:00' },
      ]);
      expect(result.Records?.[1]?.[1]).toEqual({ isNull: true });
      expect(result.TotalNumRows).toBe(2);
    });

    it('pages large results with NextToken', async () => {
      const select = await sql('SELECT g AS n FROM generate_series(1, 2500) g');
      const seen: number[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new GetStatementResultCommand({ Id: select.Id, ...(token ? { NextToken: token } : {}) }));
        for (const record of page.Records ?? []) seen.push(Number(record[0]?.longValue));
        token = page.NextToken;
      } while (token);
      expect(seen).toHaveLength(2500);
      expect(seen.at(-1)).toBe(2500);
    });

    it('runs a batch in one transaction: a failing statement rolls back the ones before it', async () => {
      await sql('CREATE TABLE public.t_batch (id int PRIMARY KEY)');
      const { Id } = await client.send(
        new BatchExecuteStatementCommand({
          ...target,
          Sqls: ['INSERT INTO public.t_batch VALUES (1)', 'INSERT INTO public.t_batch VALUES (1)', 'INSERT INTO public.t_batch VALUES (2)'],
        }),
      );
      const d = await finished(String(Id));
      expect(d.Status).toBe('FAILED');
      expect(d.Error).toMatch(/duplicate key/);
      expect(d.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED', 'ABORTED']);
      const count = await sql('SELECT count(*) AS n FROM public.t_batch');
      expect((await client.send(new GetStatementResultCommand({ Id: count.Id }))).Records?.[0]?.[0]).toEqual({ longValue: 0 });

      const ok = await client.send(
        new BatchExecuteStatementCommand({ ...target, Sqls: ['INSERT INTO public.t_batch VALUES (1)', 'SELECT id FROM public.t_batch'] }),
      );
      const done = await finished(String(ok.Id));
      expect(done.Status).toBe('FINISHED');
      const sub = await client.send(new GetStatementResultCommand({ Id: `${ok.Id}:2` }));
      expect(sub.Records).toEqual([[{ longValue: 1 }]]);
    });

    it('COPYs gzipped CSV from S3 through the real COPY syntax, all or nothing', async () => {
      await sql('CREATE TABLE public.stg (id int, name varchar(20), price numeric(10,2), note varchar(10))');
      const csv = 'id,name,price,note\n1,"Acme, Inc.",12.50,\n2,"say ""hi""",,\\N\n3,株式会社,0.10,x\n';
      await s3.send(new PutObjectCommand({ Bucket: 'staging', Key: `${engine}/run-1/part-0.csv.gz`, Body: gzipSync(csv) }));
      const copy = await sql(
        `COPY public.stg (id, name, price, note) FROM 's3://staging/${engine}/run-1/' IAM_ROLE 'arn:aws:iam::000000000000:role/local' FORMAT AS CSV GZIP IGNOREHEADER 1 DELIMITER ',' TIMEFORMAT 'auto' NULL AS '\\\\N'`,
      );
      expect(copy).toMatchObject({ Status: 'FINISHED', ResultRows: 3 });
      const rows = await client.send(
        new GetStatementResultCommand({ Id: (await sql('SELECT id, name, price, note FROM public.stg ORDER BY id')).Id }),
      );
      expect(rows.Records).toEqual([
        [{ longValue: 1 }, { stringValue: 'Acme, Inc.' }, { stringValue: '12.50' }, { stringValue: '' }],
        [{ longValue: 2 }, { stringValue: 'say "hi"' }, { isNull: true }, { isNull: true }],
        [{ longValue: 3 }, { stringValue: '株式会社' }, { stringValue: '0.10' }, { stringValue: 'x' }],
      ]);

      await s3.send(
        new PutObjectCommand({
          Bucket: 'staging',
          Key: `${engine}/run-2/part-0.csv`,
          Body: 'id,name,price,note\n4,ok,1.00,a\n5,bad,notanumber,b\n',
        }),
      );
      const bad = await sql(
        `COPY public.stg FROM 's3://staging/${engine}/run-2/' IAM_ROLE 'arn:aws:iam::0:role/r' FORMAT AS CSV IGNOREHEADER 1`,
      );
      expect(bad.Status).toBe('FAILED');
      // Redshift's message names the table only; the record is in sys_load_error_detail, kept after the rollback.
      expect(bad.Error).toBe("Load into table 'stg' failed. Check 'sys_load_error_detail' system table for details.");
      const detail = await client.send(
        new GetStatementResultCommand({
          Id: (await sql('SELECT TRIM(file_name), line_number, TRIM(column_name), TRIM(error_message) FROM sys_load_error_detail')).Id,
        }),
      );
      expect(detail.Records?.map((r) => r.map((f) => f.stringValue ?? f.longValue))).toEqual([
        [`s3://staging/${engine}/run-2/part-0.csv`, 3, 'price', expect.stringContaining('notanumber')],
      ]);
      const after = await client.send(new GetStatementResultCommand({ Id: (await sql('SELECT count(*) FROM public.stg')).Id }));
      expect(after.Records?.[0]?.[0]).toEqual({ longValue: 3 });
    });

    it('COPYs staging-style CSV (BOM, CRLF, quoted line breaks, \\N nulls, empty text) to the same values whichever reader takes it', async () => {
      await sql('CREATE TABLE public.staged (id bigint, name varchar(20), at timestamp, note varchar(10))');
      const csv = '\ufeff1,"two\r\nlines",2026-11-22 10:00:00.000000,\r\n2,\\N,\\N,"a,b"\r\n3,株式会社,2026-11-22 10:00:00.5,x\r\n';
      await s3.send(new PutObjectCommand({ Bucket: 'staging', Key: `${engine}/run-3/part-0.csv.gz`, Body: gzipSync(csv) }));
      const copy = await sql(
        `COPY public.staged (id, name, at, note) FROM 's3://staging/${engine}/run-3/' IAM_ROLE 'arn:aws:iam::000000000000:role/local' FORMAT AS CSV GZIP NULL AS '\\\\N'`,
      );
      expect(copy).toMatchObject({ Status: 'FINISHED', ResultRows: 3 });
      const rows = await client.send(
        new GetStatementResultCommand({ Id: (await sql('SELECT id, name, at, note FROM public.staged ORDER BY id')).Id }),
      );
      expect(rows.Records?.map((r) => r.map((f) => (f.isNull ? null : (f.longValue ?? f.stringValue))))).toEqual([
        [1, 'two\r\nlines', '2026-11-22 10:00:00', ''],
        [2, null, null, 'a,b'],
        [3, '株式会社', '2026-11-22 10:00:00.5', 'x'],
      ]);
    });

    it('rulebook: COPY refuses text Redshift cannot hold: a VARCHAR(n) value over n bytes in UTF-8 (fewer characters), a NUL', async () => {
      await sql('CREATE TABLE public.stg_text (id int, name varchar(60))');
      const load = async (key: string, csv: string) => {
        await s3.send(new PutObjectCommand({ Bucket: 'staging', Key: `${engine}/${key}/part-0.csv.gz`, Body: gzipSync(csv) }));
        return sql(
          `COPY public.stg_text (id, name) FROM 's3://staging/${engine}/${key}/' IAM_ROLE 'arn:aws:iam::0:role/r' FORMAT AS CSV GZIP NULL AS '\\\\N'`,
        );
      };
      const detail = async () => {
        const result = await sql(
          'SELECT TRIM(file_name), line_number, TRIM(column_name), TRIM(error_message) FROM sys_load_error_detail ORDER BY query_id DESC LIMIT 1',
        );
        return (await client.send(new GetStatementResultCommand({ Id: result.Id }))).Records?.[0]?.map((f) => f.stringValue ?? f.longValue);
      };
      // 20 three-byte characters are 60 bytes: they fit; 21 (63 bytes) do not, though PostgreSQL's VARCHAR(60) would take 60 characters.
      expect(await load('text-fits', `1,${'あ'.repeat(20)}\n2,${'x'.repeat(60)}\n`)).toMatchObject({ Status: 'FINISHED', ResultRows: 2 });
      const long = await load('text-long', `3,ok\n4,${'あ'.repeat(21)}\n`);
      expect(long.Status).toBe('FAILED');
      expect(await detail()).toEqual([
        `s3://staging/${engine}/text-long/part-0.csv.gz`,
        2,
        'name',
        expect.stringMatching(
          /^value too long for type character varying\(60\): 63 bytes in UTF-8 \(a Redshift VARCHAR length counts bytes\)/,
        ),
      ]);
      const nul = await load('text-nul', '5,ok\n6,a\0b\n');
      expect(nul.Status).toBe('FAILED');
      expect(await detail()).toEqual([`s3://staging/${engine}/text-nul/part-0.csv.gz`, 2, 'name', expect.stringMatching(/0x00/)]);
      const rows = await client.send(new GetStatementResultCommand({ Id: (await sql('SELECT id FROM public.stg_text ORDER BY id')).Id }));
      expect(rows.Records).toEqual([[{ longValue: 1 }], [{ longValue: 2 }]]);
    });

    it('COPYs Parquet from S3 by column position, values exact (decimals, timestamps, dates, Japanese)', async () => {
      await sql(
        'CREATE TABLE public.stg_pq (id bigint, name varchar(40), price numeric(12,4), at timestamp, day date, gift boolean, rate double precision)',
      );
      const schema = parseSchemaCsv(
        'column_name,data_type\nid,bigint\nlabel,varchar(40)\nunit_price,"decimal(12,4)"\nupdated_at,timestamp\nship_day,date\nis_gift,boolean\ndiscount,double\n',
      );
      const writer = new ParquetWriter(schema, { rowGroupRows: 2 });
      const parts: Uint8Array[] = [];
      parts.push(...writer.appendRow([1n, '株式会社テスト', '12.3456', 1_762_300_800_123_456n, '2026-11-05', true, 0.25]));
      parts.push(...writer.appendRow([2n, 'say "hi", twice', '-0.0001', 0n, null, false, null]));
      parts.push(...writer.appendRow([9_007_199_254_740_993n, null, '99999999.9999', -1n, '1999-12-31', null, 1e-7]));
      parts.push(...writer.finish());
      await s3.send(new PutObjectCommand({ Bucket: 'staging', Key: `${engine}/pq-1/part-0.parquet`, Body: Buffer.concat(parts) }));
      const copy = await sql(`COPY public.stg_pq FROM 's3://staging/${engine}/pq-1/' IAM_ROLE 'arn:aws:iam::0:role/r' FORMAT AS PARQUET`);
      expect(copy).toMatchObject({ Status: 'FINISHED', ResultRows: 3 });
      const rows = await client.send(
        new GetStatementResultCommand({
          Id: (
            await sql(
              "SELECT id::text, name, price::text, to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), day::text, gift, rate FROM public.stg_pq ORDER BY id",
            )
          ).Id,
        }),
      );
      expect(rows.Records).toEqual([
        [
          { stringValue: '1' },
          { stringValue: '株式会社テスト' },
          { stringValue: '12.3456' },
          { stringValue: '2025-11-05 00:00:00.123456' },
          { stringValue: '2026-11-05' },
          { booleanValue: true },
          { doubleValue: 0.25 },
        ],
        [
          { stringValue: '2' },
          { stringValue: 'say "hi", twice' },
          { stringValue: '-0.0001' },
          { stringValue: '1970-01-01 00:00:00.000000' },
          { isNull: true },
          { booleanValue: false },
          { isNull: true },
        ],
        [
          { stringValue: '9007199254740993' },
          { isNull: true },
          { stringValue: '99999999.9999' },
          { stringValue: '1969-12-31 23:59:59.999999' },
          { stringValue: '1999-12-31' },
          { isNull: true },
          { doubleValue: 1e-7 },
        ],
      ]);

      const narrow = await sql(`COPY public.stg FROM 's3://staging/${engine}/pq-1/' IAM_ROLE 'arn:aws:iam::0:role/r' FORMAT AS PARQUET`);
      expect(narrow).toMatchObject({ Status: 'FAILED', Error: expect.stringContaining('the Parquet file has 7 columns') });
    });

    it('fails unsupported Redshift syntax with a clear message', async () => {
      const d = await sql(`UNLOAD ('select 1') TO 's3://staging/x' IAM_ROLE 'arn'`);
      expect(d).toMatchObject({ Status: 'FAILED', Error: expect.stringContaining('not supported by the local Redshift stand-in') });
    });

    async function rows(text: string) {
      const d = await sql(text);
      expect(d.Status, d.Error).toBe('FINISHED');
      return (await client.send(new GetStatementResultCommand({ Id: d.Id }))).Records?.map((r) =>
        r.map((f) => (f.isNull ? null : (f.longValue ?? f.stringValue ?? f.booleanValue))),
      );
    }

    async function batch(Sqls: string[]) {
      const { Id } = await client.send(new BatchExecuteStatementCommand({ ...target, Sqls }));
      return finished(String(Id));
    }

    it('rulebook: ALTER COLUMN TYPE only widens a VARCHAR, and never inside a transaction block', async () => {
      await sql('CREATE TABLE public.rb_alter (id smallint, name varchar(10), code varchar(5) DEFAULT 0)');
      expect(await sql('ALTER TABLE public.rb_alter ALTER COLUMN id TYPE integer')).toMatchObject({
        Status: 'FAILED',
        Error: 'ALTER TABLE ALTER COLUMN TYPE changes only the size of a VARCHAR column, not to INTEGER (column id)',
      });
      expect(await sql('ALTER TABLE public.rb_alter ALTER COLUMN id TYPE varchar(10)')).toMatchObject({
        Status: 'FAILED',
        Error: 'ALTER TABLE ALTER COLUMN TYPE changes only the size of a VARCHAR column; id is smallint',
      });
      expect(await sql('ALTER TABLE public.rb_alter ALTER COLUMN code TYPE varchar(10)')).toMatchObject({
        Status: 'FAILED',
        Error: expect.stringContaining('with a default value'),
      });
      const inBatch = await batch([
        'INSERT INTO public.rb_alter (id) VALUES (1)',
        'ALTER TABLE public.rb_alter ALTER COLUMN name TYPE varchar(20)',
      ]);
      expect(inBatch).toMatchObject({ Status: 'FAILED', Error: 'ALTER TABLE ALTER COLUMN cannot run inside a transaction block' });
      expect((await sql('ALTER TABLE public.rb_alter ALTER COLUMN name TYPE varchar(20)')).Status).toBe('FINISHED');
      expect(
        await rows(
          "SELECT character_maximum_length FROM information_schema.columns WHERE table_name = 'rb_alter' AND column_name = 'name'",
        ),
      ).toEqual([[20]]);
    });

    it('rulebook: the Data API refuses a batch of more than 40 statements and a statement over 100 KB', async () => {
      await expect(
        client.send(new BatchExecuteStatementCommand({ ...target, Sqls: Array.from({ length: 41 }, () => 'SELECT 1') })),
      ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('less than or equal to 40') });
      expect((await batch(Array.from({ length: 40 }, () => 'SELECT 1'))).Status).toBe('FINISHED');
      await expect(client.send(new ExecuteStatementCommand({ ...target, Sql: `SELECT '${'x'.repeat(100_000)}'` }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Cannot process query string larger than 100kB',
      });
    });

    it('rulebook: PostgreSQL-only syntax fails as on Redshift (ON CONFLICT, RETURNING, SERIAL, view_table_usage)', async () => {
      await sql('CREATE TABLE public.rb_pg (id int PRIMARY KEY, note text)');
      expect(await sql('INSERT INTO public.rb_pg VALUES (1, null) ON CONFLICT (id) DO NOTHING')).toMatchObject({
        Status: 'FAILED',
        Error: 'syntax error at or near "ON"',
      });
      expect(await sql('DELETE FROM public.rb_pg RETURNING id')).toMatchObject({
        Status: 'FAILED',
        Error: 'syntax error at or near "RETURNING"',
      });
      expect(await sql('CREATE TABLE public.rb_serial (id bigserial)')).toMatchObject({
        Status: 'FAILED',
        Error: 'Column "id" has unsupported type "bigserial"',
      });
      expect(await sql('SELECT * FROM information_schema.view_table_usage')).toMatchObject({ Status: 'FAILED' });
      // TEXT is VARCHAR(256) on Redshift: a longer value fails there, and here.
      expect(
        await rows("SELECT character_maximum_length FROM information_schema.columns WHERE table_name = 'rb_pg' AND column_name = 'note'"),
      ).toEqual([[256]]);
      expect(await sql(`INSERT INTO public.rb_pg VALUES (2, '${'x'.repeat(257)}')`)).toMatchObject({ Status: 'FAILED' });
    });

    it('rulebook: a late-binding view has no dependencies, blocks no ALTER and reads the columns as they are now', async () => {
      await sql('CREATE TABLE public.rb_lb (id smallint, name varchar(5))');
      await sql("INSERT INTO public.rb_lb VALUES (1, 'a')");
      expect((await sql('CREATE VIEW public.v_rb_lb AS SELECT id, name FROM public.rb_lb WITH NO SCHEMA BINDING')).Status).toBe('FINISHED');
      expect(
        await rows(
          "SELECT count(*) FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class t ON t.oid = d.refobjid WHERE t.relname = 'rb_lb'",
        ),
      ).toEqual([[0]]);
      expect((await sql('ALTER TABLE public.rb_lb ALTER COLUMN name TYPE varchar(50)')).Status).toBe('FINISHED');
      const widened = await batch([
        'ALTER TABLE public.rb_lb ADD COLUMN id__widen bigint',
        'UPDATE public.rb_lb SET id__widen = id',
        'ALTER TABLE public.rb_lb DROP COLUMN id',
        'ALTER TABLE public.rb_lb RENAME COLUMN id__widen TO id',
        "INSERT INTO public.rb_lb (id, name) VALUES (3000000000, 'a longer name')",
      ]);
      expect(widened.Status, widened.Error).toBe('FINISHED');
      expect(await rows('SELECT id::text, name FROM public.v_rb_lb ORDER BY id')).toEqual([
        ['1', 'a'],
        ['3000000000', 'a longer name'],
      ]);
      expect((await sql('DROP VIEW public.v_rb_lb')).Status).toBe('FINISHED');
      expect((await sql('DROP TABLE public.rb_lb')).Status).toBe('FINISHED');
      expect(await rows("SELECT count(*) FROM pg_views WHERE viewname = 'v_rb_lb'")).toEqual([[0]]);
    });

    it('lists statements newest first, paged', async () => {
      const first = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1' }));
      const second = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 2' }));
      await finished(String(second.Id));
      const listed = await client.send(new ListStatementsCommand({ MaxResults: 2 }));
      expect(listed.Statements?.map((s) => s.Id)).toEqual([second.Id, first.Id]);
      expect(listed.NextToken).toBeDefined();
    });

    // PGlite runs SQL synchronously in this process, so nothing (not even a cancel) is served while
    // a statement runs; cancelling queued work needs a real server.
    if (engine === 'postgres') {
      it('cancels a statement that has not started yet', async () => {
        const slow = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT pg_sleep(0.3)' }));
        const queued = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1' }));
        expect((await client.send(new CancelStatementCommand({ Id: queued.Id }))).Status).toBe(true);
        expect((await finished(String(queued.Id))).Status).toBe('ABORTED');
        expect((await finished(String(slow.Id))).Status).toBe('FINISHED');
      });
    }

    it('answers ResourceNotFoundException for an unknown id', async () => {
      await expect(client.send(new DescribeStatementCommand({ Id: '00000000-0000-0000-0000-000000000000' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });
  });
}
