/**
 * UTF-8 encoding of `s` into `out` from `at` (room for `3 * s.length` bytes assumed); returns the
 * bytes written. Unpaired surrogates become U+FFFD, as `Buffer#write` and `TextEncoder` do.
 *
 * Why not `Buffer#utf8Write`: each call crosses into C++, which costs more than the copy for the
 * short strings that fill most columns (measured 150 vs 70 ns per value on the bench CSV's text
 * columns). Long strings still go to `utf8Write` (see `SHORT_STRING`).
 */
export function encodeUtf8(s: string, out: Uint8Array, at: number): number {
  const n = s.length;
  let o = at;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o - at;
}

/** Strings up to this many UTF-16 units are encoded in JS; longer ones by `Buffer#utf8Write`. */
const SHORT_STRING = 32;

/** Node's unchecked UTF-8 write (present since Node 0.x; `Buffer#write` calls it after validating). */
type UncheckedWrite = { utf8Write(text: string, offset: number): number };

/**
 * `s` as UTF-8 into `out` from `at` (room for `3 * s.length` bytes assumed); returns the bytes
 * written. Short strings in JS (`encodeUtf8`), long ones by `utf8Write`, which skips `Buffer#write`'s
 * argument checks (they cost as much as the copy for short strings).
 */
export function writeUtf8(s: string, out: Buffer, at: number): number {
  return s.length <= SHORT_STRING ? encodeUtf8(s, out, at) : (out as Buffer & UncheckedWrite).utf8Write(s, at);
}

/**
 * The UTF-8 length of `s` in bytes, equal to `Buffer.byteLength(s, 'utf8')` (unpaired surrogates
 * count as U+FFFD's 3 bytes). Short strings are counted in JS, for the reason `encodeUtf8` gives:
 * profiling every text value of a staged file through `Buffer.byteLength` cost ~100 ns a value.
 */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > SHORT_STRING) return Buffer.byteLength(s, 'utf8');
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}
