import type { RecordError } from '@etl/core';
import { CsvRecordReader, type CsvChunkRecords } from '@etl/csv';
import { ParquetWriter, type EncodedRowGroup } from '@etl/parquet';
import { castColumns, columnCastPlan, planColumns, type ColumnCastPlan } from '@etl/schema';
import type { ChunkReject, ChunkReply, ChunkRequest, ChunkSettings } from './chunk-protocol.js';
import { PIECE_BYTES, PieceDecoder } from './piece-decoder.js';

/**
 * A worker thread's whole job, stream-free: pieces of a CSV file -> parsed (`CsvRecordReader`), cast
 * into typed column batches (`castColumns`) and encoded into compressed Parquet row groups
 * (`ParquetWriter.encodeColumns`). Nothing per row leaves it: a reply is row groups (one buffer each)
 * and the rejects. Lines are counted from the chunk's first line; the main thread rebases them.
 * Memory: one chunk's text, its parsed spans and typed columns, and one open row group.
 */
export class ChunkConverter {
  private readonly plan: ColumnCastPlan;
  private readonly writer: ParquetWriter;
  private reader: CsvRecordReader | undefined;
  /** A chunk given as bytes: their decoder, whose queue of bad-byte offsets the reader claims from. */
  private decoder: PieceDecoder | undefined;
  /** A chunk given as text: the main thread's decoder's offsets for it. */
  private invalidOffsets: number[] = [];

  constructor(private readonly settings: ChunkSettings) {
    this.plan = columnCastPlan(planColumns(settings.schema, settings.columns, settings.uri, settings.cast), settings.cast);
    this.writer = new ParquetWriter(settings.schema, settings.parquet);
  }

  convert(request: ChunkRequest): ChunkReply {
    const { settings } = this;
    if (request.first) {
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
    const reply: ChunkReply = { seq: request.seq, groups: [], rejects: [], records: 0, parsed: 0, rows: 0 };
    const recordsBefore = reader.recordsIn;
    const castRejects: ChunkReject[] = [];
    const take = ({ batch, rejects }: CsvChunkRecords) => {
      for (const reject of rejects) reply.rejects.push(plainReject(reject, 'csv-parse'));
      if (batch.length === 0) return;
      reply.parsed += batch.length;
      const cast = castColumns(this.plan, batch, settings.uri);
      for (const reject of cast.rejects) castRejects.push(plainReject(reject, 'cast'));
      reply.rows += cast.batch.length;
      if (cast.batch.length > 0) reply.groups.push(...this.writer.encodeColumns(cast.batch));
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
      const group: EncodedRowGroup | undefined = this.writer.encodeOpenRowGroup();
      if (group) reply.groups.push(group);
      reply.lines = reader.currentLine - 1;
      this.reader = undefined;
    }
    reply.records = reader.recordsIn - recordsBefore;
    reply.rejects.push(...castRejects);
    return reply;
  }
}

function plainReject(error: RecordError, stage: string): ChunkReject {
  const { code, reason, file, line, column, offset, raw } = error;
  return { code, reason, file, line, column, offset, raw, stage: error.stage ?? stage };
}
