import { describe, expect, it } from 'vitest';
import { UnsupportedSqlError, dropTableAttributes, parseCopy, translateStatement } from './redshift-sql.js';

describe('parseCopy', () => {
  it('reads the COPY the pipelines send', () => {
    const copy = parseCopy(
      `COPY public.stg_orders (order_id, amount) FROM 's3://bucket/staging/run-1/' IAM_ROLE 'arn:aws:iam::123:role/r' FORMAT AS CSV GZIP IGNOREHEADER 1 DELIMITER ',' TIMEFORMAT 'auto' NULL AS '\\\\N'`,
    );
    expect(copy).toEqual({
      table: 'public.stg_orders',
      columns: ['order_id', 'amount'],
      from: 's3://bucket/staging/run-1/',
      format: 'csv',
      gzip: true,
      ignoreHeader: 1,
      delimiter: ',',
      quote: '"',
      nullAs: '\\N',
      emptyAsNull: false,
      blanksAsNull: false,
    });
  });

  it("reads COPY's literals with Redshift's backslash escapes", () => {
    const copy = parseCopy(String.raw`COPY t FROM 's3://b/o''brien\\x/' IAM_ROLE 'r' DELIMITER '\t' NULL AS '\N'`);
    // '\N' is N on Redshift: loaders write '\\N' for the two characters \N.
    expect(copy).toMatchObject({ from: "s3://b/o'brien\\x/", delimiter: '\t', nullAs: 'N' });
    expect(() => parseCopy(String.raw`COPY t FROM 's3://b/p' NULL AS 'open`)).toThrow('not a closed string literal');
  });

  it('reads FORMAT AS PARQUET and quoted table names', () => {
    expect(parseCopy(`copy "my schema"."T" from 's3://b/p' iam_role default format as parquet`)).toMatchObject({
      table: '"my schema"."T"',
      format: 'parquet',
    });
  });

  it('refuses options it cannot honour, naming them', () => {
    expect(() => parseCopy(`COPY t FROM 's3://b/p' JSON 'auto'`)).toThrow('COPY option JSON is not supported');
    expect(() => parseCopy(`COPY t FROM 'dynamodb://table'`)).toThrow('s3:// only');
  });
});

describe('translateStatement', () => {
  it('binds :name parameters to positions, leaving casts and strings alone', () => {
    expect(
      translateStatement(`SELECT :id::int, ':not_a_param', "col:x" FROM t WHERE a = :name AND b = :id`, [
        { name: 'id', value: '7' },
        { name: 'name', value: 'x' },
      ]),
    ).toEqual({
      kind: 'sql',
      sql: `SELECT $1::int, ':not_a_param', "col:x" FROM t WHERE a = $2 AND b = $1`,
      params: ['7', 'x'],
    });
  });

  it('says which parameter is missing or unused', () => {
    expect(() => translateStatement('SELECT :a', [{ name: 'b', value: '1' }])).toThrow('parameter :a is used but not given');
    expect(() =>
      translateStatement('SELECT :a', [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ]),
    ).toThrow('not used in the SQL: b');
  });

  it('drops Redshift physical design from DDL', () => {
    const ddl = `CREATE TABLE t (id int ENCODE az64, s varchar(10) encode zstd) DISTSTYLE KEY DISTKEY(id) COMPOUND SORTKEY(id, s)`;
    expect(dropTableAttributes(ddl).replace(/\s+/g, ' ').trim()).toBe('CREATE TABLE t (id int , s varchar(10) )');
  });

  it('fails clearly on UNLOAD', () => {
    expect(() => translateStatement(`UNLOAD ('select 1') TO 's3://b/x'`)).toThrow(UnsupportedSqlError);
  });
});
