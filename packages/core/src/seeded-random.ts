/** mulberry32: a small, fast PRNG; the same seed gives the same sequence (of faults, of test data). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters of every UTF-8 length, plus unpaired surrogates (which encode as U+FFFD) and NUL. */
const UNICODE_SAMPLE = ['a', 'Z', '0', ' ', '"', 'é', 'ß', '株', '～', '\uFF61', '😀', '𠮷', '\uD800', '\uDC00', '\uE000', '\u0000'];

/** Test text for encoders: 0 to `maxLength - 1` characters drawn from `UNICODE_SAMPLE`. */
export function randomUnicodeText(random: () => number, maxLength: number): string {
  let s = '';
  const n = Math.floor(random() * maxLength);
  for (let i = 0; i < n; i++) s += UNICODE_SAMPLE[Math.floor(random() * UNICODE_SAMPLE.length)];
  return s;
}
