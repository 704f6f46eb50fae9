/** A line of input with its 1-based physical line number. */
export interface Line {
  text: string;
  line: number;
}

export interface LineSplitterOptions {
  /** Longest line kept in memory; a longer one is reported and skipped to its end. Default 16 MiB. */
  maxLineBytes?: number;
}

export interface OversizedLine {
  line: number;
  bytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits UTF-8 bytes into lines (LF or CRLF) across arbitrary chunk boundaries. Pure and stream-free;
 * holds at most one partial line, and never more than `maxLineBytes` of it.
 */
export class LineSplitter {
  private readonly maxLineBytes: number;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skipping = false;
  private lineNo = 0;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
  }

  /** Feeds bytes; calls `onLine` per complete line and `onOversized` per line over the limit. */
  push(chunk: Buffer, onLine: (line: Line) => void, onOversized: (info: OversizedLine) => void): void {
    let start = 0;
    for (let newline = chunk.indexOf(LF, start); newline !== -1; newline = chunk.indexOf(LF, start)) {
      this.lineNo++;
      const piece = chunk.subarray(start, newline);
      if (this.skipping) {
        onOversized({ line: this.lineNo, bytes: this.carryBytes + piece.length });
        this.skipping = false;
      } else if (this.carryBytes + piece.length > this.maxLineBytes) {
        onOversized({ line: this.lineNo, bytes: this.carryBytes + piece.length });
      } else {
        onLine({ text: this.decode(piece), line: this.lineNo });
      }
      this.carry = [];
      this.carryBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** Flushes a last line without a trailing newline. */
  end(onLine: (line: Line) => void, onOversized: (info: OversizedLine) => void): void {
    if (this.carryBytes === 0 && !this.skipping) return;
    this.lineNo++;
    if (this.skipping) onOversized({ line: this.lineNo, bytes: this.carryBytes });
    else onLine({ text: this.decode(Buffer.alloc(0)), line: this.lineNo });
    this.carry = [];
    this.carryBytes = 0;
    this.skipping = false;
  }

  private hold(rest: Buffer): void {
    if (this.skipping || this.carryBytes + rest.length > this.maxLineBytes) {
      // Over the limit: stop keeping bytes, only count them, until the line ends.
      this.skipping = true;
      this.carry = [];
      this.carryBytes += rest.length;
      return;
    }
    // Copy: the caller's chunk must not be pinned by a small tail.
    this.carry.push(Buffer.from(rest));
    this.carryBytes += rest.length;
  }

  private decode(last: Buffer): string {
    const bytes = this.carry.length === 0 ? last : Buffer.concat([...this.carry, last]);
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    return bytes.toString('utf8', 0, end);
  }
}
