/** One data record: its fields in header order, and the physical line it started on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * The records parsed from one chunk of text. A field the parser cut without unquoting is kept as a
 * span of the chunk, so a caster can read a number or a timestamp straight from the chunk and no
 * string is made for it; a quoted field, or one that crossed a chunk boundary, is held as a string.
 * Memory: two int32 per field and one per record, on top of the chunk the spans keep alive.
 */
export class CsvBatch {
  /** The chunk the spans point into. */
  text = '';
  /** Records in the batch. */
  length = 0;
  /** Per field, two slots: `[start, end)` in `text`; or `-1` and the field's index in `strings`. */
  bounds: Int32Array;
  /** Record `r`'s fields are `bounds` pairs `first[r]` up to `first[r + 1]`. */
  first: Int32Array;
  /** The physical line each record starts on (1-based). */
  lines: Int32Array;
  /** Fields held as strings. */
  strings: string[] = [];
  private fieldTotal = 0;

  /** `expectedFields` sizes the arrays (they grow as needed). */
  constructor(text = '', expectedFields = 1024) {
    this.text = text;
    this.bounds = new Int32Array(2 * Math.max(16, expectedFields));
    this.first = new Int32Array(Math.max(16, expectedFields >> 3) + 1);
    this.lines = new Int32Array(this.first.length - 1);
  }

  /** A batch holding these records as strings (for callers that have fields already). */
  static of(records: readonly CsvRecord[]): CsvBatch {
    const batch = new CsvBatch();
    for (const { fields, line } of records) {
      for (const field of fields) batch.addString(field);
      batch.endRecord(line);
    }
    return batch;
  }

  fieldCount(record: number): number {
    return (this.first[record + 1] as number) - (this.first[record] as number);
  }

  line(record: number): number {
    return this.lines[record] as number;
  }

  /** Field `k` of record `r` as a string ('' past the record's last field). */
  field(record: number, k: number): string {
    if (k >= this.fieldCount(record)) return '';
    const at = 2 * ((this.first[record] as number) + k);
    const start = this.bounds[at] as number;
    const end = this.bounds[at + 1] as number;
    return start === -1 ? (this.strings[end] as string) : this.text.slice(start, end);
  }

  fields(record: number): string[] {
    const n = this.fieldCount(record);
    const fields = new Array<string>(n);
    for (let k = 0; k < n; k++) fields[k] = this.field(record, k);
    return fields;
  }

  /** Every record with its fields as strings. */
  records(): CsvRecord[] {
    const records: CsvRecord[] = [];
    for (let r = 0; r < this.length; r++) records.push({ fields: this.fields(r), line: this.line(r) });
    return records;
  }

  // Building (the parser's side).

  addSpan(start: number, end: number): void {
    const at = 2 * this.fieldTotal++;
    if (at + 2 > this.bounds.length) this.bounds = grow(this.bounds);
    this.bounds[at] = start;
    this.bounds[at + 1] = end;
  }

  addString(value: string): void {
    this.addSpan(-1, this.strings.push(value) - 1);
  }

  /** Closes the record made of the fields added since the last one. */
  endRecord(line: number): void {
    if (this.length + 2 > this.first.length) this.first = grow(this.first);
    if (this.length + 1 > this.lines.length) this.lines = grow(this.lines);
    this.lines[this.length] = line;
    this.first[++this.length] = this.fieldTotal;
  }

  /** Empties the batch for records of `text`, keeping its arrays. */
  clear(text: string): void {
    this.text = text;
    this.length = 0;
    this.fieldTotal = 0;
    this.strings.length = 0;
  }

  /** Drops the fields added since the last record closed (a record the parser gave up cutting). */
  dropOpenFields(): void {
    this.fieldTotal = this.first[this.length] as number;
  }

  /** Drops the last record (one the reader rejected after the parser closed it). */
  dropLast(): void {
    this.length--;
    this.fieldTotal = this.first[this.length] as number;
    // Strings of a dropped record stay unreferenced until the batch goes; a batch is one chunk.
  }
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
