import { createDecoder, InvalidByteLocator, type ChunkDecoder } from '@etl/encoding';

/** Input bytes per decoded string: `decodeStream`'s, so text dies young (see its PIECE_BYTES). */
export const PIECE_BYTES = 32 * 1024;

/**
 * UTF-8 bytes from `offset` of a file -> text, as `@etl/encoding` `decodeStream` (reject mode) makes
 * it: invalid sequences become U+FFFD and their byte offsets go on `invalidOffsets`, the queue a
 * `CsvRecordReader` claims them from; with `stripBom` (the file's start) a leading BOM is dropped.
 * For a piece of a file that starts at a record end, so at a character's start.
 */
export class PieceDecoder {
  readonly invalidOffsets: number[] = [];
  private readonly decoder: ChunkDecoder = createDecoder('utf-8');
  private readonly locator = new InvalidByteLocator(true);

  constructor(
    private offset: number,
    private stripBom = false,
  ) {}

  write(bytes: Uint8Array): string {
    let text = this.decoder.write(bytes);
    const replaced = countReplacements(text);
    // As decodeStream: a piece shorter than a character may continue an open sequence.
    if (replaced > 0 || bytes.length < 4) this.invalidOffsets.push(...this.locator.scan(bytes, this.offset, replaced));
    else this.locator.prime(bytes, this.offset);
    this.offset += bytes.length;
    if (this.stripBom && text.length > 0) {
      this.stripBom = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  /** Moves past bytes never decoded (skipped lines, which the single thread decodes and drops). */
  skip(bytes: number): void {
    if (bytes === 0) return;
    this.offset += bytes;
    this.stripBom = false;
  }

  end(): string {
    const rest = this.decoder.end();
    if (rest.includes('\uFFFD')) this.invalidOffsets.push(...this.locator.end());
    return rest;
  }
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) n++;
  return n;
}
