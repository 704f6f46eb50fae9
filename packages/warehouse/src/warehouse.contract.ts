import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '@etl/object-store';
import { quoteIdent, quoteQualified } from '@etl/sql';
import type { Warehouse } from './warehouse.js';

export interface WarehouseTarget {
  warehouse: Warehouse;
  objects: ObjectStore;
  /** A fresh prefix URI for staged files, ending in `/`. */
  stagingRoot(): string;
}

/** The behaviour every `Warehouse` adapter must have; run against each. */
export function warehouseContract(backend: string, target: () => WarehouseTarget): void {
  describe(`Warehouse contract: ${backend}`, () => {
    it('creates a table, binds parameters and returns typed rows', async () => {
      const { warehouse } = target();
      await warehouse.query(
        'CREATE TABLE public.w_orders (id bigint NOT NULL, name varchar(100), price decimal(38,18), ok boolean, at timestamp)',
      );
      const inserted = await warehouse.query(`INSERT INTO public.w_orders VALUES (:id, :name, :price, true, '2026-11-01 09:15:00')`, {
        id: '1',
        name: "O'Brien 株式会社",
        price: '12.345678901234567891',
      });
      expect(inserted.rowCount).toBe(1);
      const result = await warehouse.query('SELECT id, name, price, ok, at FROM public.w_orders WHERE id = :id', { id: '1' });
      expect(result.columns.map((c) => [c.name, c.type])).toEqual([
        ['id', 'int8'],
        ['name', 'varchar'],
        ['price', 'numeric'],
        ['ok', 'bool'],
        ['at', 'timestamp'],
      ]);
      expect(result.rows).toEqual([[1, "O'Brien 株式会社", '12.345678901234567891', true, '2026-11-01 09:15:00']]);
    });

    it('runs a transaction all or nothing', async () => {
      const { warehouse } = target();
      await warehouse.query('CREATE TABLE public.w_tx (id int PRIMARY KEY)');
      expect(await warehouse.transaction(['INSERT INTO public.w_tx VALUES (1)', 'INSERT INTO public.w_tx VALUES (2), (3)'])).toEqual([
        1, 2,
      ]);
      await expect(warehouse.transaction(['INSERT INTO public.w_tx VALUES (4)', 'INSERT INTO public.w_tx VALUES (1)'])).rejects.toThrow(
        /duplicate key/,
      );
      expect((await warehouse.query('SELECT count(*) FROM public.w_tx')).rows).toEqual([[3]]);
    });

    it('refuses what Redshift refuses (the rulebook in @etl/sql): ALTER COLUMN TYPE but a VARCHAR size or in a transaction, ON CONFLICT, over 40 statements a batch; TEXT is VARCHAR(256)', async () => {
      const { warehouse } = target();
      await warehouse.query('CREATE TABLE public.w_rules (id smallint, name varchar(5), note text)');
      await expect(warehouse.query('ALTER TABLE public.w_rules ALTER COLUMN id TYPE integer')).rejects.toThrow(
        'ALTER TABLE ALTER COLUMN TYPE changes only the size of a VARCHAR column',
      );
      await expect(warehouse.transaction(['ALTER TABLE public.w_rules ALTER COLUMN name TYPE varchar(10)'])).rejects.toThrow(
        'ALTER TABLE ALTER COLUMN cannot run inside a transaction block',
      );
      await warehouse.query('ALTER TABLE public.w_rules ALTER COLUMN name TYPE varchar(10)');
      await expect(warehouse.query('INSERT INTO public.w_rules (id) VALUES (1) ON CONFLICT DO NOTHING')).rejects.toThrow(
        'syntax error at or near "ON"',
      );
      await expect(warehouse.transaction(Array.from({ length: 41 }, () => 'SELECT 1'))).rejects.toThrow(/40/);
      expect(
        (
          await warehouse.query(
            "SELECT column_name::text, character_maximum_length FROM information_schema.columns WHERE table_name = 'w_rules' AND column_name IN ('name', 'note') ORDER BY column_name",
          )
        ).rows,
      ).toEqual([
        ['name', 10],
        ['note', 256],
      ]);
    });

    it('names the failing SQL', async () => {
      const { warehouse } = target();
      await expect(warehouse.query('SELECT * FROM public.no_such_table')).rejects.toThrow(
        /no_such_table[\s\S]*in: SELECT \* FROM public\.no_such_table/,
      );
    });

    it('takes hostile column names as quoted identifiers', async () => {
      const { warehouse } = target();
      const column = `a"; DROP TABLE public.w_orders; --`;
      await warehouse.query(`CREATE TABLE ${quoteQualified('public.w_hostile')} (${quoteIdent(column)} int, ${quoteIdent('select')} int)`);
      await warehouse.query(`INSERT INTO public.w_hostile VALUES (1, 2)`);
      const result = await warehouse.query(`SELECT ${quoteIdent(column)}, ${quoteIdent('select')} FROM public.w_hostile`);
      expect(result.columns.map((c) => c.name)).toEqual([column, 'select']);
      expect((await warehouse.query('SELECT count(*) FROM public.w_orders')).rows).toEqual([[1]]);
    });

    it('loads staged gzipped CSV parts, with header and NULL marker; a bad part loads nothing', async () => {
      const { warehouse, objects, stagingRoot } = target();
      await warehouse.query('CREATE TABLE public.w_stage (id int, name varchar(50), amount numeric(12,2))');
      const staging = stagingRoot();
      await objects.put(`${staging}part-0000.csv.gz`, gzipSync('id,name,amount\n1,"Acme, Inc.",10.50\n2,\\N,\\N\n'));
      await objects.put(`${staging}part-0001.csv.gz`, gzipSync('id,name,amount\n3,"say ""hi""",0.10\n'));
      const loaded = await warehouse.loadCsv({
        table: 'public.w_stage',
        columns: ['id', 'name', 'amount'],
        stagingUri: staging,
        gzip: true,
        header: true,
      });
      expect(loaded).toBe(3);
      expect((await warehouse.query('SELECT id, name, amount FROM public.w_stage ORDER BY id')).rows).toEqual([
        [1, 'Acme, Inc.', '10.50'],
        [2, null, null],
        [3, 'say "hi"', '0.10'],
      ]);

      const bad = stagingRoot();
      await objects.put(`${bad}part-0000.csv`, 'id,name,amount\n4,ok,1.00\n');
      await objects.put(`${bad}part-0001.csv`, 'id,name,amount\n5,bad,not-a-number\n');
      // Named down to the record: the part, its line (the header is line 1) and the column.
      await expect(
        warehouse.loadCsv({ table: 'public.w_stage', columns: ['id', 'name', 'amount'], stagingUri: bad, header: true }),
      ).rejects.toThrow(/part-0001\.csv line 2, column amount: .*not-a-number/);
      expect((await warehouse.query('SELECT count(*) FROM public.w_stage')).rows).toEqual([[3]]);
    });
  });
}
