import { describe, expect, it } from 'vitest';
import { alterColumnType, dataApiRefusals, redshiftColumnTypes, statementRefusals } from './redshift-rules.js';

const rules = (sql: string, inTransaction = false) => statementRefusals(sql, { inTransaction }).map((r) => r.rule);

describe('Redshift rulebook', () => {
  it('ALTER COLUMN TYPE: only a VARCHAR size, never inside a transaction block', () => {
    expect(rules('ALTER TABLE public.t ALTER COLUMN "name" TYPE VARCHAR(300)')).toEqual([]);
    expect(rules('ALTER TABLE public.t ALTER COLUMN qty TYPE BIGINT')).toEqual(['alter-column-type']);
    expect(rules('alter table t alter qty set data type integer')).toEqual(['alter-column-type']);
    expect(rules('ALTER TABLE t ALTER COLUMN s TYPE VARCHAR(20)', true)).toEqual(['alter-column-in-transaction']);
    expect(statementRefusals('ALTER TABLE t ALTER COLUMN s TYPE VARCHAR(20)', { inTransaction: true })[0]?.message).toBe(
      'ALTER TABLE ALTER COLUMN cannot run inside a transaction block',
    );
    expect(alterColumnType('ALTER TABLE "My"."T" ALTER COLUMN "a b" TYPE varchar( 30 );')).toEqual({
      table: '"My"."T"',
      column: '"a b"',
      type: 'VARCHAR( 30 )',
    });
    expect(rules('ALTER TABLE t ADD COLUMN c BIGINT', true)).toEqual([]);
  });

  it('PostgreSQL-only syntax: ON CONFLICT, RETURNING, SERIAL types, LIKE … INCLUDING other than DEFAULTS', () => {
    expect(rules('INSERT INTO t VALUES (1) ON CONFLICT (id) DO NOTHING')).toEqual(['on-conflict']);
    expect(rules('DELETE FROM t WHERE id = 1 RETURNING id')).toEqual(['returning']);
    expect(rules('CREATE TABLE t (id bigserial, n int)')).toEqual(['serial']);
    expect(statementRefusals('CREATE TABLE t (id serial)', { inTransaction: false })[0]?.message).toBe(
      'Column "id" has unsupported type "serial"',
    );
    expect(rules('CREATE TABLE s (LIKE t INCLUDING ALL)')).toEqual(['create-table-like']);
    expect(rules('CREATE TABLE s (LIKE t INCLUDING DEFAULTS)')).toEqual([]);
    expect(rules('CREATE TABLE s (LIKE t)')).toEqual([]);
  });

  it('keywords inside values or comments are not statements', () => {
    expect(rules("INSERT INTO t VALUES ('ON CONFLICT', 'returning') -- returning")).toEqual([]);
    expect(rules("CREATE TABLE t (note varchar(20) DEFAULT 'serial')")).toEqual([]);
  });

  it('refuses information_schema.view_table_usage (late-binding views are not in it)', () => {
    expect(rules('SELECT view_name FROM information_schema.view_table_usage WHERE table_name = :t')).toEqual(['catalog']);
  });

  it('Data API limits: at most 40 statements a batch, 100 KB a statement', () => {
    expect(dataApiRefusals(Array.from({ length: 40 }, () => 'SELECT 1'))).toEqual([]);
    expect(dataApiRefusals(Array.from({ length: 41 }, () => 'SELECT 1')).map((r) => r.rule)).toEqual(['batch-statements']);
    expect(dataApiRefusals([`SELECT '${'x'.repeat(100_000)}'`])).toEqual([
      { rule: 'statement-size', message: 'Cannot process query string larger than 100kB' },
    ]);
  });

  it('TEXT and VARCHAR without a length are VARCHAR(256) in column definitions only', () => {
    expect(redshiftColumnTypes('CREATE TABLE t (a text, b varchar, c varchar(10), "text" TEXT NOT NULL)')).toBe(
      'CREATE TABLE t (a VARCHAR(256), b VARCHAR(256), c varchar(10), "text" VARCHAR(256) NOT NULL)',
    );
    expect(redshiftColumnTypes('ALTER TABLE t ADD COLUMN text varchar(10)')).toBe('ALTER TABLE t ADD COLUMN text varchar(10)');
    expect(redshiftColumnTypes('ALTER TABLE t ADD COLUMN n character varying')).toBe('ALTER TABLE t ADD COLUMN n VARCHAR(256)');
    expect(redshiftColumnTypes("CREATE TABLE t (a varchar(10) DEFAULT 'x text')")).toBe("CREATE TABLE t (a varchar(10) DEFAULT 'x text')");
    expect(redshiftColumnTypes('SELECT a::text FROM t')).toBe('SELECT a::text FROM t');
    expect(redshiftColumnTypes('CREATE TABLE t AS SELECT a AS b text FROM u')).toBe('CREATE TABLE t AS SELECT a AS b text FROM u');
  });
});
