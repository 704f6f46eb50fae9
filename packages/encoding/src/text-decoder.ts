/**
 * Decoding that is right on Node 20. Node's `TextDecoder('windows-1252')` (also `latin1`,
 * `iso-8859-1`) decodes as ISO-8859-1: bytes 0x80-0x9F come out as C1 control characters instead of
 * € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ' ' " " • – — ˜ ™ š › œ ž Ÿ. Windows-1252 is therefore decoded here by
 * table; every other encoding goes to `TextDecoder` (full ICU), which streams across chunk boundaries.
 */
export interface ChunkDecoder {
  readonly encoding: string;
  /** Decodes a chunk; bytes of a character cut at the end are kept for the next call. */
  write(bytes: Uint8Array): string;
  end(): string;
}

const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

const WINDOWS_1252_LABELS = new Set([
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'latin1',
  'iso-8859-1',
  'iso8859-1',
  'l1',
  'ascii',
  'us-ascii',
  'iso_8859-1',
  'cp819',
  'ibm819',
]);

export function createDecoder(label: string, options: { fatal?: boolean } = {}): ChunkDecoder {
  if (WINDOWS_1252_LABELS.has(label.toLowerCase())) return windows1252();
  const decoder = new TextDecoder(label, { fatal: options.fatal ?? false });
  return {
    encoding: decoder.encoding,
    write: (bytes) => decoder.decode(bytes, { stream: true }),
    end: () => decoder.decode(),
  };
}

export function decodeAll(bytes: Uint8Array, label: string, options: { fatal?: boolean } = {}): string {
  const decoder = createDecoder(label, options);
  return decoder.write(bytes) + decoder.end();
}

function windows1252(): ChunkDecoder {
  return {
    encoding: 'windows-1252',
    write(bytes) {
      let out = '';
      let start = 0;
      // Runs without 0x80-0x9F decode as Latin-1 in one go; only those 32 bytes need the table.
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i] as number;
        if (byte >= 0x80 && byte <= 0x9f) {
          if (i > start) out += Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString('latin1');
          out += String.fromCharCode(WINDOWS_1252_HIGH[byte - 0x80] as number);
          start = i + 1;
        }
      }
      if (start < bytes.length) out += Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('latin1');
      return out;
    },
    end: () => '',
  };
}
