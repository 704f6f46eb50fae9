import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createRunContext, newRunId, runPipeline, type RunContext } from '@etl/core';
import { memoryLogSink } from '@etl/core/testing';
import { objectRandomAccess, type ObjectStore } from '@etl/object-store';
import { ParquetFile } from '@etl/parquet';
import { columnsOf, type Field, type Value } from '@etl/schema';
import { ParquetDataset } from './dataset.js';
import { datasetColumnSink, datasetSink } from './dataset-sink.js';
import { folderLocation, keyBelow, listingUri } from './layout.js';
import { readManifest } from './manifest.js';
import type { DatasetOptions } from './options.js';
import { HIVE_DEFAULT_PARTITION } from './partition-path.js';

export interface DatasetTarget {
  store: ObjectStore;
  /** A fresh, empty prefix URI for one test (no trailing `/`). */
  root(): string;
  /** Multipart uploads or temp files still pending under `prefixUri`: must be empty once a run has ended. */
  leftovers(prefixUri: string): Promise<string[]>;
}

const MiB = 1024 * 1024;

const fields: Field[] = [
  { name: 'invoice_no', type: { kind: 'string' }, nullable: false },
  { name: 'invoice_date', type: { kind: 'date' }, nullable: true },
  { name: 'country', type: { kind: 'string' }, nullable: true },
  { name: 'quantity', type: { kind: 'int' }, nullable: true },
  { name: 'note', type: { kind: 'string' }, nullable: true },
];
const schema = { fields };

/** Rows numbered from `from`; `noteBytes` of random hex per row make them incompressible (sizes are then predictable). */
function rows(
  count: number,
  options: { from?: number; noteBytes?: number; dates?: (string | null)[]; countries?: (string | null)[] } = {},
): Value[][] {
  const dates = options.dates ?? ['2011-12-09'];
  const countries = options.countries ?? ['United Kingdom'];
  return Array.from({ length: count }, (_, i) => {
    const n = (options.from ?? 0) + i;
    return [
      `INV-${n}`,
      dates[n % dates.length] ?? null,
      countries[n % countries.length] ?? null,
      n % 7 === 0 ? null : n,
      options.noteBytes ? randomBytes(options.noteBytes / 2).toString('hex') : `note ${n}`,
    ];
  });
}

function context(runId: string = newRunId(), signal?: AbortSignal): RunContext {
  const logs = memoryLogSink();
  return createRunContext({
    jobName: 'dataset-test',
    runId,
    logger: createLogger({ runId, jobName: 'dataset-test', level: 'debug', destination: logs }),
    ...(signal ? { signal } : {}),
  });
}

/** Rows of one Parquet object, as the reader gives them. */
async function readRows(store: ObjectStore, uri: string): Promise<Record<string, unknown>[]> {
  const file = await ParquetFile.open(await objectRandomAccess(store, uri));
  const out: Record<string, unknown>[] = [];
  for await (const { rows: group } of file.batches()) out.push(...group);
  return out;
}

function asRecord(row: readonly Value[], columns: readonly Field[] = fields): Record<string, unknown> {
  return Object.fromEntries(columns.map((f) => [f.name, row[fields.indexOf(f)] ?? null]));
}

/** Every key below the prefix, sorted. */
async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const folder = folderLocation(prefix);
  const out: string[] = [];
  for await (const object of store.list(listingUri(folder))) out.push(keyBelow(folder, object.uri) as string);
  return out.sort();
}

/** One whole run through the sink contract, in batches of `batch` rows. */
async function publish(store: ObjectStore, options: DatasetOptions, data: Value[][], ctx = context(), batch = 500) {
  const sink = datasetSink(store, options);
  await sink.connect(ctx);
  for (let i = 0; i < data.length; i += batch) await sink.writeBatch(data.slice(i, i + batch), ctx);
  await sink.close(ctx);
  if (!sink.result) throw new Error('closed without a result');
  return sink.result;
}

export function datasetContract(name: string, target: () => DatasetTarget): void {
  describe(`Parquet dataset on ${name}`, () => {
    it('writes one Snappy Parquet part and a manifest naming it', async () => {
      const { store, root } = target();
      const prefix = root();
      const data = rows(1000);
      const ctx = context();
      const result = await publish(store, { prefix, schema }, data, ctx);

      const generation = `run_id=${ctx.runId}`;
      expect(await keys(store, prefix)).toEqual(['_manifest.json', `${generation}/part-00000.snappy.parquet`]);
      expect(result).toMatchObject({ runId: ctx.runId, rows: 1000, partitions: [], swept: [], dropped: [] });
      expect(result.files).toHaveLength(1);
      expect(await readRows(store, result.files[0]?.uri as string)).toEqual(data.map((r) => asRecord(r)));
      const manifest = await readManifest(store, prefix);
      expect(manifest).toMatchObject({
        version: 1,
        mode: 'overwrite',
        runId: ctx.runId,
        generation: result.generation,
        generations: [generation],
        rows: 1000,
        bytes: result.bytes,
        files: result.files,
        schema: [
          { name: 'invoice_no', type: 'varchar', nullable: false },
          { name: 'invoice_date', type: 'date', nullable: true },
          { name: 'country', type: 'varchar', nullable: true },
          { name: 'quantity', type: 'int', nullable: true },
          { name: 'note', type: 'varchar', nullable: true },
        ],
      });
      expect(result.manifest).toBe(`${prefix}/_manifest.json`);
      expect(result.generation).toBe(`${prefix}/${generation}`);
    });

    it('rolls to a new part at targetFileBytes, never leaving an empty one', async () => {
      const { store, root } = target();
      const prefix = root();
      // ~3.6 MiB of incompressible rows, row groups of 256 KiB: parts of 1 MiB and a bit.
      const data = rows(3600, { noteBytes: 1000 });
      const result = await publish(store, { prefix, schema, targetFileBytes: MiB, rowGroupBytes: 256 * 1024 }, data);

      expect(result.files.length).toBeGreaterThanOrEqual(3);
      for (const file of result.files.slice(0, -1)) {
        expect(file.bytes).toBeGreaterThanOrEqual(MiB);
        expect(file.bytes).toBeLessThan(MiB + 300 * 1024); // one row group past the target at most
      }
      expect(result.files.every((f) => f.rows > 0)).toBe(true);
      const back: Record<string, unknown>[] = [];
      for (const file of result.files) back.push(...(await readRows(store, file.uri)));
      expect(back).toEqual(data.map((r) => asRecord(r)));
      expect(result.rows).toBe(3600);
    });

    it('writes Hive partition folders by month and by value, null and odd values included', async () => {
      const { store, root } = target();
      const prefix = root();
      const data = rows(300, { dates: ['2011-12-09', '2012-01-31', null], countries: ['United Kingdom', 'a/b=c', null, ''] });
      const result = await publish(store, { prefix, schema, partitionBy: ['invoice_date:month', 'country'] }, data);

      const gen = `run_id=${result.runId}`;
      const D = HIVE_DEFAULT_PARTITION;
      expect(result.partitions).toEqual(
        [
          `invoice_date_year=2011/invoice_date_month=12/country=United Kingdom`,
          `invoice_date_year=2011/invoice_date_month=12/country=a%2Fb%3Dc`,
          `invoice_date_year=2011/invoice_date_month=12/country=${D}`,
          `invoice_date_year=2012/invoice_date_month=01/country=United Kingdom`,
          `invoice_date_year=2012/invoice_date_month=01/country=a%2Fb%3Dc`,
          `invoice_date_year=2012/invoice_date_month=01/country=${D}`,
          `invoice_date_year=${D}/invoice_date_month=${D}/country=United Kingdom`,
          `invoice_date_year=${D}/invoice_date_month=${D}/country=a%2Fb%3Dc`,
          `invoice_date_year=${D}/invoice_date_month=${D}/country=${D}`,
        ].sort(),
      );
      const stored = await keys(store, prefix);
      expect(
        stored.filter((k) => k.startsWith(`${gen}/invoice_date_year=2011/invoice_date_month=12/country=a%2Fb%3Dc/part-`)),
      ).toHaveLength(1);
      expect(stored.filter((k) => k.endsWith('.parquet'))).toHaveLength(9);
      // Each file holds exactly its partition's rows, the partition columns still in the data.
      let total = 0;
      for (const file of result.files) {
        const back = await readRows(store, file.uri);
        const expected = data.filter((r) => folderOf(r) === file.partition).map((r) => asRecord(r));
        expect(back).toEqual(expected);
        total += back.length;
      }
      expect(total).toBe(300);

      function folderOf(row: Value[]): string {
        const [, date, country] = row as [string, string | null, string | null];
        const month =
          date === null
            ? `invoice_date_year=${D}/invoice_date_month=${D}`
            : `invoice_date_year=${date.slice(0, 4)}/invoice_date_month=${date.slice(5, 7)}`;
        return `${month}/country=${country === null || country === '' ? D : country.replace('/', '%2F').replace('=', '%3D')}`;
      }
    });

    it('leaves identity partition columns out of the files when asked', async () => {
      const { store, root } = target();
      const prefix = root();
      const data = rows(50, { countries: ['JP', 'FR'] });
      const result = await publish(store, { prefix, schema, partitionBy: ['country'], dropPartitionColumns: true }, data);
      const jp = result.files.find((f) => f.partition === 'country=JP');
      const kept = fields.filter((f) => f.name !== 'country');
      expect(await readRows(store, jp?.uri as string)).toEqual(data.filter((r) => r[2] === 'JP').map((r) => asRecord(r, kept)));
      expect((await readManifest(store, prefix))?.schema.map((c) => c.name)).toEqual(kept.map((f) => f.name));
    });

    it('keeps at most maxOpenPartitions parts open, finishing the least recently written', async () => {
      const { store, root } = target();
      // A, B, C, then A again with two parts allowed open: C finishes A's part, so A gets a second one.
      const data = [
        ...rows(10, { countries: ['A'] }),
        ...rows(10, { from: 10, countries: ['B'] }),
        ...rows(10, { from: 20, countries: ['C'] }),
        ...rows(10, { from: 30, countries: ['A'] }),
      ];
      const result = await publish(store, { prefix: root(), schema, partitionBy: ['country'], maxOpenPartitions: 2 }, data, context(), 10);
      const partsOf = (p: string) => result.files.filter((f) => f.partition === `country=${p}`).map((f) => f.rows);
      expect(partsOf('A')).toEqual([10, 10]);
      expect(partsOf('B')).toEqual([10]);
      expect(partsOf('C')).toEqual([10]);
    });

    it('publishes only at close: a reader sees the previous manifest until then', async () => {
      const { store, root } = target();
      const prefix = root();
      const first = await publish(store, { prefix, schema }, rows(100));

      const ctx = context();
      const sink = datasetSink(store, { prefix, schema, rowGroupRows: 100 });
      await sink.connect(ctx);
      await sink.writeBatch(rows(250, { from: 100 }), ctx); // two row groups already uploading
      expect((await readManifest(store, prefix))?.runId).toBe(first.runId);
      await sink.close(ctx);
      const manifest = await readManifest(store, prefix);
      expect(manifest?.runId).toBe(ctx.runId);
      expect(manifest?.generations).toEqual([`run_id=${ctx.runId}`, `run_id=${first.runId}`]);
      expect(manifest?.rows).toBe(250);
      // The previous generation stays for readers that started on the previous manifest.
      expect(await readRows(store, first.files[0]?.uri as string)).toHaveLength(100);
    });

    it('deletes generations beyond keepGenerations once the new one is published', async () => {
      const { store, root } = target();
      const prefix = root();
      const a = await publish(store, { prefix, schema }, rows(10));
      const b = await publish(store, { prefix, schema }, rows(10));
      const c = await publish(store, { prefix, schema }, rows(10));
      expect(c.dropped).toEqual([a.generation]);
      const generations = (await keys(store, prefix)).map((k) => k.split('/')[0]);
      expect([...new Set(generations)].sort()).toEqual(['_manifest.json', `run_id=${b.runId}`, `run_id=${c.runId}`].sort());
      const d = await publish(store, { prefix, schema, keepGenerations: 1 }, rows(10));
      expect(d.dropped.sort()).toEqual([b.generation, c.generation].sort());
      expect(await keys(store, prefix)).toEqual(['_manifest.json', `run_id=${d.runId}/part-00000.snappy.parquet`]);
    });

    it('publishes an empty run as a manifest with no files, and writes no empty file', async () => {
      const { store, root } = target();
      const prefix = root();
      const result = await publish(store, { prefix, schema, partitionBy: ['country'] }, []);
      expect(result).toMatchObject({ files: [], rows: 0, bytes: 0, partitions: [] });
      expect(await keys(store, prefix)).toEqual(['_manifest.json']);
      expect((await readManifest(store, prefix))?.files).toEqual([]);
    });

    it('abort deletes every object the run wrote and aborts its uploads; earlier runs are untouched', async () => {
      const { store, root, leftovers } = target();
      const prefix = root();
      await publish(store, { prefix, schema }, rows(10));
      const before = await keys(store, prefix);

      const ctx = context();
      const sink = datasetSink(store, { prefix, schema, targetFileBytes: 8 * MiB, rowGroupBytes: MiB, uploadPartSize: 5 * MiB });
      await sink.connect(ctx);
      // ~15 MiB: one finished part of 8 MiB and more, and a second one whose multipart upload is under way.
      for (let i = 0; i < 15; i++) await sink.writeBatch(rows(1024, { from: i * 1024, noteBytes: 1024 }), ctx);
      expect((await keys(store, prefix)).some((k) => k.startsWith(`run_id=${ctx.runId}/`))).toBe(true);
      // The open part's upload: started on its own time (a CI run under load looked before it had).
      for (let i = 0; i < 50 && (await leftovers(prefix)).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await leftovers(prefix)).not.toEqual([]);
      await sink.abort?.(new Error('failed elsewhere'), ctx);

      expect(await keys(store, prefix)).toEqual(before);
      expect(await leftovers(prefix)).toEqual([]);
      expect(sink.result).toBeUndefined();
      await expect(sink.writeBatch(rows(1), ctx)).rejects.toThrow('failed elsewhere');
    });

    it('a run stopped by its signal through runPipeline publishes nothing and leaves nothing', async () => {
      const { store, root, leftovers } = target();
      const prefix = root();
      const stop = new AbortController();
      const ctx = context(newRunId(), stop.signal);
      let partsSeen = 0;
      async function* source() {
        for (let i = 0; i < 200; i++) {
          // Stopped once parts of the run are stored: the abort has something to delete.
          partsSeen = (await keys(store, prefix)).length;
          if (partsSeen >= 2) stop.abort(new Error('SIGTERM'));
          yield rows(100, { from: i * 100, noteBytes: 1000 });
        }
      }
      const sink = datasetSink(store, { prefix, schema, targetFileBytes: MiB, rowGroupBytes: 256 * 1024 });
      await expect(runPipeline({ source: { name: 'rows', open: () => source() }, steps: [], sink }, ctx)).rejects.toThrow();
      expect(partsSeen).toBeGreaterThanOrEqual(2);
      expect(await keys(store, prefix)).toEqual([]);
      expect(await leftovers(prefix)).toEqual([]);
    });

    it('sweeps an unpublished folder of a killed run at the next connect, never a published or a recent one', async () => {
      const { store, root } = target();
      const prefix = root();
      const oldPublished = await publish(store, { prefix, schema }, rows(10), context('20200101T000000Z-00000001'));
      const recent = context(); // started now, elsewhere: maybe still writing
      const running = new ParquetDataset(store, { prefix, schema, targetFileBytes: MiB, rowGroupBytes: 256 * 1024 });
      await running.connect(recent);
      await running.writeRows(rows(1500, { noteBytes: 1000 }));
      // A run killed outright: two parts finished, nothing published, no abort ran (its uploads died with it).
      const killed = new AbortController();
      const killedCtx = context('20200102T000000Z-0badc0de', killed.signal);
      const dying = new ParquetDataset(store, { prefix, schema, targetFileBytes: MiB, rowGroupBytes: 256 * 1024 });
      await dying.connect(killedCtx);
      await dying.writeRows(rows(3000, { noteBytes: 1000 }));
      killed.abort(new Error('SIGKILL'));
      const killedKeys = (await keys(store, prefix)).filter((k) => k.startsWith('run_id=20200102T000000Z-0badc0de/'));
      expect(killedKeys.length).toBeGreaterThanOrEqual(2);

      const next = await publish(store, { prefix, schema }, rows(10));
      expect(next.swept).toEqual([`${prefix}/run_id=20200102T000000Z-0badc0de`]);
      const after = await keys(store, prefix);
      expect(after.filter((k) => k.startsWith('run_id=20200102T000000Z-0badc0de/'))).toEqual([]);
      expect(after).toContain(`run_id=20200101T000000Z-00000001/part-00000.snappy.parquet`);
      expect(after.some((k) => k.startsWith(`run_id=${recent.runId}/`))).toBe(true);

      // With staleAfterHours 0 the recent unpublished folder goes too (only when no other run writes the prefix).
      const last = await publish(store, { prefix, schema, staleAfterHours: 0 }, rows(10));
      expect(last.swept).toEqual([`${prefix}/run_id=${recent.runId}`]);
      expect(oldPublished.rows).toBe(10);
      await running.abort(new Error('done'), recent);
    });

    it('append datasets: each run adds its folder, with its own manifest written last', async () => {
      const { store, root } = target();
      const prefix = root();
      const options: DatasetOptions = { prefix, schema, mode: 'append', generation: 'load_date=2026-12-06/run_id={runId}' };
      const first = await publish(store, options, rows(10));

      const ctx = context();
      const sink = datasetSink(store, { ...options, rowGroupRows: 5 });
      await sink.connect(ctx);
      await sink.writeBatch(rows(20, { from: 10 }), ctx);
      const folder = `${prefix}/load_date=2026-12-06/run_id=${ctx.runId}`;
      expect(await readManifest(store, folder)).toBeUndefined();
      await sink.close(ctx);

      const manifest = await readManifest(store, sink.result?.generation as string);
      expect(manifest).toMatchObject({ mode: 'append', runId: ctx.runId, rows: 20 });
      expect(manifest?.generations).toBeUndefined();
      expect(await readManifest(store, prefix)).toBeUndefined();
      expect(await keys(store, prefix)).toEqual(
        [
          `load_date=2026-12-06/run_id=${first.runId}/_manifest.json`,
          `load_date=2026-12-06/run_id=${first.runId}/part-00000.snappy.parquet`,
          `load_date=2026-12-06/run_id=${ctx.runId}/_manifest.json`,
          `load_date=2026-12-06/run_id=${ctx.runId}/part-00000.snappy.parquet`,
        ].sort(),
      );
    });

    it('writes column batches into the files as they are', async () => {
      const { store, root } = target();
      const data = rows(2000);
      const ctx = context();
      const sink = datasetColumnSink(store, { prefix: root(), schema });
      await sink.connect(ctx);
      await sink.writeBatch([columnsOf(fields, data.slice(0, 1500)), columnsOf(fields, data.slice(1500))], ctx);
      await sink.close(ctx);
      expect(sink.result?.rows).toBe(2000);
      expect(await readRows(store, sink.result?.files[0]?.uri as string)).toEqual(data.map((r) => asRecord(r)));
    });

    it('drives through runPipeline as a core sink', async () => {
      const { store, root } = target();
      const prefix = root();
      const data = rows(5000);
      const sink = datasetSink(store, { prefix, schema, partitionBy: ['invoice_date:month'] });
      const ctx = context();
      await runPipeline(
        {
          source: { name: 'rows', open: () => Readable.from([data.slice(0, 2500), data.slice(2500)], { objectMode: true }) },
          steps: [],
          sink,
          sinkOptions: { maxItems: 700, maxInFlight: 3 },
        },
        ctx,
      );
      expect(sink.result?.rows).toBe(5000);
      expect(ctx.counters.component(sink.name, 'sink').rowsOut).toBe(5000);
      expect(await readRows(store, sink.result?.files[0]?.uri as string)).toEqual(data.map((r) => asRecord(r)));
    });
  });
}
