import type { RecordError } from '@etl/core';
import { CsvRecordReader, type CsvChunkRecords } from '@etl/csv';
import { ParquetWriter, type EncodedRowGroup } from '@etl/parquet';
import {
  allocateColumn,
  castColumns,
  columnCastPlan,
  emptyFacts,
  observeFacts,
  packColumns,
  planColumns,
  type CastPlan,
  type Column,
  type ColumnBatch,
  type ColumnCastPlan,
  type Field,
} from '@etl/schema';
import { rowEncoder, type RowEncoder } from '../row-encoders.js';
import { screenTextLimits } from '../sources/text-limits.js';
import type { ChunkReject, ChunkReply, ChunkRequest, ChunkSettings } from './chunk-protocol.js';
import { PIECE_BYTES, PieceDecoder } from './piece-decoder.js';

/** The row-number column's field (its name is the main thread's: CSV records carry no names). */
const ROW_NUMBER: Field = { name: 'row', type: { kind: 'bigint' }, nullable: false };

/**
 * A worker thread's whole job, stream-free: pieces of a CSV file -> parsed (`CsvRecordReader`),
 * screened for text the destination cannot hold (`screenTextLimits`), cast into typed column batches
 * (`castColumns`) and encoded: into compressed Parquet row groups (`ParquetWriter.encodeColumns`), or
 * into CSV records with a row number added, the facts of the rows gathered (`observeFacts`) and the
 * key columns packed for the main thread's filter. Nothing per value leaves it but the keys: a reply
 * is bytes and the rejects. Lines are counted from the chunk's first line; the main thread rebases
 * them. Memory: one chunk's text, its parsed spans and typed columns, and one open row group (CSV:
 * one piece's records).
 */
export class ChunkConverter {
  private readonly rowPlan: CastPlan;
  private readonly plan: ColumnCastPlan;
  private readonly writer: ParquetWriter | undefined;
  private readonly csv: RowEncoder | undefined;
  /** The chunk being read: its rows are numbered chunk × 2^32 + their number in it (the two 32-bit halves). */
  private chunk = 0;
  /** Rows of the chunk numbered so far. */
  private chunkRows = 0;
  private reader: CsvRecordReader | undefined;
  /** A chunk given as bytes: their decoder, whose queue of bad-byte offsets the reader claims from. */
  private decoder: PieceDecoder | undefined;
  /** A chunk given as text: the main thread's decoder's offsets for it. */
  private invalidOffsets: number[] = [];

  constructor(private readonly settings: ChunkSettings) {
    this.rowPlan = planColumns(settings.schema, settings.columns, settings.uri, settings.cast);
    this.plan = columnCastPlan(this.rowPlan, settings.cast);
    const { output } = settings;
    this.writer = output.kind === 'rowGroups' ? new ParquetWriter(settings.schema, output.parquet) : undefined;
    const fields = output.kind === 'csv' && output.rowNumber ? [...settings.schema.fields, ROW_NUMBER] : settings.schema.fields;
    this.csv = output.kind === 'csv' ? rowEncoder('csv', { fields }, { ...output.encoder, header: false }) : undefined;
  }

  convert(request: ChunkRequest): ChunkReply {
    const { settings } = this;
    if (request.first) {
      this.chunk = request.chunk ?? 0;
      this.chunkRows = 0;
      this.decoder = request.pieces ? new PieceDecoder(request.offset ?? 0, request.offset === 0) : undefined;
      this.invalidOffsets = this.decoder ? this.decoder.invalidOffsets : [];
      this.reader = new CsvRecordReader({
        delimiter: settings.delimiter,
        quote: settings.quote,
        newline: settings.newline,
        file: settings.uri,
        header: false,
        columns: settings.columns,
        decoded: { invalidOffsets: this.invalidOffsets, encoding: settings.encoding },
      });
    }
    const reader = this.reader;
    if (!reader) throw new Error(`chunk ${request.seq}: a piece of a record with no first piece`);
    for (const offset of request.invalidOffsets) this.invalidOffsets.push(offset);
    const reply: ChunkReply = { seq: request.seq, groups: [], keys: [], rejects: [], records: 0, parsed: 0, rows: 0 };
    const recordsBefore = reader.recordsIn;
    const castRejects: ChunkReject[] = [];
    const { textLimits, uri, cast, output } = settings;
    const screenOptions = { file: uri, ...(cast.nullValues ? { nullValues: cast.nullValues } : {}) };
    /** The CSV records of this piece, as the encoder hands them over. */
    const records: Uint8Array[] = [];
    if (output.kind === 'csv' && output.facts) reply.facts = emptyFacts(settings.schema.fields);
    const take = ({ batch: parsed, rejects }: CsvChunkRecords) => {
      for (const reject of rejects) reply.rejects.push(plainReject(reject, 'csv-parse'));
      if (parsed.length === 0) return;
      reply.parsed += parsed.length;
      const screened = textLimits ? screenTextLimits(parsed, this.rowPlan, textLimits, screenOptions) : undefined;
      const typed = castColumns(this.plan, screened ? screened.records : parsed, uri);
      // As the one-thread reader routes them: a batch's screened and cast rejects in line order.
      const bad = screened?.rejects.length
        ? [...screened.rejects, ...typed.rejects].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
        : typed.rejects;
      for (const reject of bad) castRejects.push(plainReject(reject, 'cast'));
      const batch = typed.batch;
      reply.rows += batch.length;
      if (batch.length === 0) return;
      if (this.writer) reply.groups.push(...this.writer.encodeColumns(batch));
      if (!this.csv || output.kind !== 'csv') return;
      if (reply.facts) observeFacts(reply.facts, batch);
      if (output.keyColumns.length > 0)
        reply.keys.push(packColumns({ length: batch.length, columns: output.keyColumns.map((k) => batch.columns[k] as Column) }).packed);
      const rows: ColumnBatch = output.rowNumber
        ? { length: batch.length, columns: [...batch.columns, this.rowNumbers(batch.length)] }
        : batch;
      records.push(...(this.csv.appendColumns?.(rows) ?? []));
    };
    const decoder = this.decoder;
    if (request.pieces && decoder) {
      // Decoded in pieces, as the single thread's decodeStream does: short-lived strings, batches of its size.
      for (const bytes of request.pieces)
        for (let from = 0; from < bytes.length; from += PIECE_BYTES)
          take(reader.push(decoder.write(bytes.subarray(from, from + PIECE_BYTES))));
    } else take(reader.push(request.text ?? ''));
    if (request.last) {
      take(reader.end(decoder ? decoder.end() : ''));
      const group: EncodedRowGroup | undefined = this.writer?.encodeOpenRowGroup();
      if (group) reply.groups.push(group);
      reply.lines = reader.currentLine - 1;
      this.reader = undefined;
    }
    reply.records = reader.recordsIn - recordsBefore;
    reply.rejects.push(...castRejects);
    // The encoder's pieces as they are (each its own buffer, transferred): parts are cut between them, as at one thread.
    if (this.csv) reply.csv = [...records, ...this.csv.finish()];
    return reply;
  }

  /** The next `length` rows' numbers in the chunk: the chunk's number high, the row's low (exact past 2^53). */
  private rowNumbers(length: number): Column {
    const column = allocateColumn(ROW_NUMBER, length);
    if (column.data.layout === 'int64')
      for (let r = 0; r < length; r++) {
        column.data.halves[2 * r] = this.chunkRows + r + 1;
        column.data.halves[2 * r + 1] = this.chunk;
      }
    column.valid.fill(1);
    this.chunkRows += length;
    return column;
  }
}

function plainReject(error: RecordError, stage: string): ChunkReject {
  const { code, reason, file, line, column, offset, raw, lines } = error;
  return { code, reason, file, line, column, offset, raw, stage: error.stage ?? stage, ...(lines === undefined ? {} : { lines }) };
}
