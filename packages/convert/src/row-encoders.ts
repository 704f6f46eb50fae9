import { CsvBytes, CsvFormatter } from '@etl/csv';
import { ParquetWriter, type CompressionName, type ParquetWriterOptions } from '@etl/parquet';
import { formatValue, trimFraction, type ColumnBatch, type Field, type Schema, type Value } from '@etl/schema';
import { columnFieldWriter, hasFraction } from './column-csv.js';
import type { FileFormat } from './file-format.js';
import { toJsonValue } from './json-value.js';

/** Rows in schema order -> file bytes, stream-free: what comes back is ready to write, in order. */
export interface RowEncoder {
  /** Bytes ready after this row (usually none: the returned array is then shared and empty). */
  appendRow(values: readonly Value[]): readonly Uint8Array[];
  /** Parquet and CSV also take whole column batches. */
  appendColumns?(batch: ColumnBatch): readonly Uint8Array[];
  finish(): readonly Uint8Array[];
}

export interface EncoderOptions {
  /** Parquet page compression (default snappy). Text formats are gzipped by the caller instead. */
  compression?: CompressionName;
  parquet?: ParquetWriterOptions;
  /** CSV delimiter (default `,`). */
  delimiter?: string;
  /** CSV null marker (default empty, as COPY … CSV reads it). */
  nullMarker?: string;
  /** CSV header line (default true). */
  header?: boolean;
  /**
   * CSV decimals and timestamps without their fractions' trailing zeros (`trimFraction`): the same
   * values in fewer bytes, for COPY staging (a DECIMAL(38,18) otherwise carries 18 places). Off by
   * default: a file for people keeps the type's fixed places.
   */
  trimFractionZeros?: boolean;
}

/** Text is handed out in pieces of about this size (characters for NDJSON, bytes for CSV), not per row. */
const FLUSH_SIZE = 256 * 1024;

export function rowEncoder(format: FileFormat, schema: Schema, options: EncoderOptions = {}): RowEncoder {
  switch (format) {
    case 'parquet':
      return new ParquetWriter(schema, parquetOptions(options));
    case 'csv':
      return csvEncoder(schema, options);
    case 'ndjson':
      return textEncoder(
        (values) => `${JSON.stringify(Object.fromEntries(schema.fields.map((f, i) => [f.name, toJsonValue(values[i], f)])))}\n`,
      );
  }
}

/**
 * RFC 4180 CSV for COPY staging: timestamps as `YYYY-MM-DD HH:MM:SS.ffffff[+00]`, decimals exact, nulls
 * as the null marker (unquoted) and real values equal to it quoted. Written as bytes field by field
 * (`CsvBytes`); column batches from their typed arrays, the same text as their rows would give.
 */
function csvEncoder(schema: Schema, options: EncoderOptions): RowEncoder {
  const out = new CsvBytes(
    new CsvFormatter({ ...(options.delimiter ? { delimiter: options.delimiter } : {}), nullMarker: options.nullMarker ?? '' }),
  );
  const fields: Field[] = schema.fields;
  const trim = options.trimFractionZeros ?? false;
  const trimmed = fields.map((f) => trim && hasFraction(f));
  const ready = (): readonly Uint8Array[] => (out.length >= FLUSH_SIZE ? [out.take()] : NOTHING);
  if (options.header ?? true) {
    fields.forEach((f, i) => {
      if (i > 0) out.delimiter();
      out.text(f.name);
    });
    out.endRecord();
  }
  return {
    appendRow(values) {
      for (let i = 0; i < fields.length; i++) {
        if (i > 0) out.delimiter();
        const v = values[i] ?? null;
        if (v === null) out.nullField();
        else if (trimmed[i]) out.text(trimFraction(formatValue(v, fields[i] as Field)));
        else out.text(formatValue(v, fields[i] as Field));
      }
      out.endRecord();
      return ready();
    },
    appendColumns(batch) {
      const columns = batch.columns;
      const write = columns.map((c) => columnFieldWriter(c, out, trim));
      const valid = columns.map((c) => c.valid);
      for (let r = 0; r < batch.length; r++) {
        for (let c = 0; c < columns.length; c++) {
          if (c > 0) out.delimiter();
          if ((valid[c] as Uint8Array)[r] === 0) out.nullField();
          else (write[c] as (row: number) => void)(r);
        }
        out.endRecord();
      }
      return ready();
    },
    finish: () => (out.length > 0 ? [out.take()] : NOTHING),
  };
}

/** The `ParquetWriter`'s options an encoder's options make (`compression` over `parquet`'s). */
export function parquetOptions(options: EncoderOptions): ParquetWriterOptions {
  return { ...options.parquet, ...(options.compression ? { compression: options.compression } : {}) };
}

const NOTHING: readonly Uint8Array[] = Object.freeze([]);

function textEncoder(line: (values: readonly Value[]) => string): RowEncoder {
  let text = '';
  const take = (): readonly Uint8Array[] => {
    if (text.length === 0) return NOTHING;
    const bytes = Buffer.from(text, 'utf8');
    text = '';
    return [bytes];
  };
  return {
    appendRow(values) {
      text += line(values);
      return text.length >= FLUSH_SIZE ? take() : NOTHING;
    },
    finish: take,
  };
}
