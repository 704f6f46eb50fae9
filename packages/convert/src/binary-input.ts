/**
 * What a file that is not text looks like, from its first bytes, or undefined for text: a Parquet
 * file or a ZIP archive (an Excel workbook) given as CSV decodes as garbage in some single-byte
 * encoding and every row is rejected; say so at once instead. UTF-16 text is full of NUL bytes, so
 * NULs count only when the detected encoding is not UTF-16.
 */
export function binaryKind(bytes: Uint8Array, encoding: string): string | undefined {
  const starts = (magic: string) => bytes.length >= magic.length && [...magic].every((c, i) => bytes[i] === c.charCodeAt(0));
  if (starts('PAR1')) return 'Parquet';
  if (starts('PK\x03\x04')) return 'a ZIP archive (an Excel workbook?)';
  if (canonical(encoding).startsWith('utf-16')) return undefined;
  const sample = bytes.subarray(0, 64 * 1024);
  let nuls = 0;
  for (const byte of sample) if (byte === 0) nuls++;
  // A stray NUL happens in real exports (csvkit's null_byte.csv); binary data is full of them.
  return nuls > 16 && nuls > sample.length / 100 ? 'binary data' : undefined;
}

/** The encoding a WHATWG label names (`unicode`, `ucs-2` and `csunicode` are UTF-16LE); the label itself when unknown. */
function canonical(label: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return label.toLowerCase();
  }
}
