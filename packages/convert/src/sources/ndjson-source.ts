import { RecordError, TerminalError, writeRejects } from '@etl/core';
import { ndjsonParser, type Located } from '@etl/json';
import type { ObjectStore } from '@etl/object-store';
import { CastFailure, compileCaster, parseType, type Caster, type Field, type Schema, type Value } from '@etl/schema';
import { castOptionsOf, type CountingRowSource, type RowSource, type SourceOptions } from './row-source.js';
import { textOf } from './text-bytes.js';

/** Lines looked at to infer a schema when none is given. */
const INFER_LINES = 1000;

/**
 * NDJSON rows. Each object's keys are matched to the schema's fields; scalars are cast from their JSON
 * text (so `12.5` into decimal(10,2) is exact as written), objects and arrays go to json columns as
 * text. Without a schema, one is inferred from the first lines (integers -> bigint, other numbers ->
 * double, booleans, objects/arrays -> json, the rest varchar; all nullable).
 */
export async function ndjsonSource(store: ObjectStore, uri: string, options: SourceOptions): Promise<RowSource> {
  const { ctx } = options;
  const schema = options.schema ?? (await inferNdjsonSchema(store, uri, options));
  const casters: Caster[] = schema.fields.map((f) => compileCaster(f, castOptionsOf(options)));
  const metrics = ctx.counters.component('cast', 'stage');
  const source: CountingRowSource = {
    name: uri,
    readByReader: true,
    open: () => source.batches(),
    schema,
    rowsRead: 0,
    bytesRead: 0,
    async *batches() {
      const { text, decoder } = await textOf(store, uri, ctx, {
        ...(options.encoding ? { encoding: options.encoding } : {}),
        counted: (n) => (source.bytesRead += n),
      });
      const parser = ndjsonParser(ctx, { file: uri });
      const parseRejectsBefore = ctx.counters.component('ndjson-parse', 'reader').rejected;
      text.on('error', (error: Error) => parser.destroy(error));
      for await (const batch of text.pipe(parser) as AsyncIterable<Located<unknown>[]>) {
        source.rowsRead += batch.length;
        const rows: Value[][] = [];
        let rejects: RecordError[] | undefined;
        for (const { value, line } of batch) {
          const bad = decoder.invalidOffsets.length > 0 ? claimReplaced(decoder.invalidOffsets, value) : undefined;
          if (bad !== undefined) {
            (rejects ??= []).push(
              new RecordError({
                code: 'ENCODING',
                reason: `invalid ${decoder.encoding ?? ''} bytes at byte offset ${bad} (replaced by U+FFFD); if the file is not ${decoder.encoding ?? 'in that encoding'}, name its encoding`,
                file: uri,
                line,
                offset: bad,
              }),
            );
            continue;
          }
          const row = castObject(value, schema.fields, casters, uri, line);
          if (row instanceof RecordError) (rejects ??= []).push(row);
          else rows.push(row);
        }
        metrics.rowsIn += batch.length;
        metrics.rowsOut += rows.length;
        if (rejects) await writeRejects(ctx, metrics, 'cast', rejects);
        if (rows.length > 0) yield rows;
      }
      source.rowsRead += ctx.counters.component('ndjson-parse', 'reader').rejected - parseRejectsBefore;
    },
  };
  return source;
}

/** Takes the offsets of the replacement characters in a parsed line off the decoder's queue; the first. */
function claimReplaced(offsets: number[], value: unknown): number | undefined {
  const text = JSON.stringify(value) ?? '';
  let count = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) count++;
  return count === 0 ? undefined : offsets.splice(0, count)[0];
}

function castObject(
  value: unknown,
  fields: readonly Field[],
  casters: readonly Caster[],
  file: string,
  line: number,
): Value[] | RecordError {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return new RecordError({ code: 'CAST', reason: 'a line must hold a JSON object', file, line, raw: JSON.stringify(value) });
  const object = value as Record<string, unknown>;
  const row: Value[] = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as Field;
    const v = object[field.name];
    const raw = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    const cast = (casters[i] as Caster)(raw);
    if (cast instanceof CastFailure)
      return new RecordError({ code: 'CAST', reason: `${field.name}: ${cast.reason}`, file, line, column: field.name, raw });
    row[i] = cast;
  }
  return row;
}

async function inferNdjsonSchema(store: ObjectStore, uri: string, options: SourceOptions): Promise<Schema> {
  const kinds = new Map<string, Set<string>>();
  const { text } = await textOf(store, uri, options.ctx, {
    invalid: 'replace',
    ...(options.encoding ? { encoding: options.encoding } : {}),
    counted: () => undefined,
  });
  let buffered = '';
  let lines = 0;
  let objects = 0;
  const see = (line: string) => {
    if (line.trim() === '') return;
    lines++;
    let object: unknown;
    try {
      object = JSON.parse(line);
    } catch {
      return; // a bad line is rejected when read for real
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
    objects++;
    for (const [key, v] of Object.entries(object)) {
      const seen = kinds.get(key) ?? new Set<string>();
      kinds.set(key, seen);
      if (v !== null)
        seen.add(
          Array.isArray(v) || typeof v === 'object'
            ? 'json'
            : typeof v === 'number'
              ? Number.isInteger(v)
                ? 'bigint'
                : 'double'
              : typeof v === 'boolean'
                ? 'boolean'
                : 'varchar',
        );
    }
  };
  let ended = true;
  for await (const chunk of text as AsyncIterable<string>) {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) see(line);
    if (lines >= INFER_LINES) {
      ended = false;
      break;
    }
  }
  // The last line of a file that does not end with a line break.
  if (ended) see(buffered);
  text.destroy();
  if (lines > 0 && objects === 0)
    throw new TerminalError(
      'BAD_INPUT',
      `${uri}: ${lines === 1 ? 'its one line is not' : `none of its first ${lines} lines is`} a JSON object: NDJSON holds one object per line (a JSON document written over several lines, or an array, is not NDJSON)`,
    );
  const typeOf = (seen: Set<string>) =>
    seen.size === 1
      ? ([...seen][0] as string)
      : seen.size === 2 && seen.has('bigint') && seen.has('double')
        ? 'double'
        : seen.has('json')
          ? 'json'
          : 'varchar';
  return { fields: [...kinds].map(([name, seen]) => ({ name, type: parseType(typeOf(seen)), nullable: true })) };
}
