import { ByteWriter } from '../thrift/compact-writer.js';

/** Bits needed for values 0..maxValue (0 for an all-zero stream). */
export function bitWidth(maxValue: number): number {
  return maxValue === 0 ? 0 : 32 - Math.clz32(maxValue);
}

/**
 * The RLE / bit-packing hybrid encoding (definition levels, dictionary indices): runs of eight or more
 * equal values become RLE runs, everything else bit-packed groups of eight. Values must fit `width`
 * bits, at most 24 (levels use 1; dictionaries are capped far below 2^24 entries).
 */
export function encodeHybrid(out: ByteWriter, values: ArrayLike<number>, count: number, width: number): void {
  const valueBytes = (width + 7) >> 3;
  let literalStart = 0;
  let i = 0;
  while (i < count) {
    const v = values[i] as number;
    let j = i + 1;
    while (j < count && values[j] === v) j++;
    const run = j - i;
    if (run >= 8) {
      // Literal groups hold exactly eight values: lend the run's first values to round the group up.
      const pending = i - literalStart;
      const lend = (8 - (pending % 8)) % 8;
      if (pending + lend > 0) bitPack(out, values, literalStart, pending + lend, width);
      const rest = run - lend;
      if (rest >= 8) {
        out.varint(rest << 1);
        out.ensure(valueBytes);
        for (let b = 0; b < valueBytes; b++) out.byte((v >>> (8 * b)) & 0xff);
        literalStart = j;
      } else literalStart = i + lend;
    }
    i = j;
  }
  if (count > literalStart) bitPack(out, values, literalStart, count - literalStart, width);
}

/** One bit-packed run of `n` values (padded with zeros to a multiple of eight), LSB first. */
function bitPack(out: ByteWriter, values: ArrayLike<number>, start: number, n: number, width: number): void {
  // acc holds at most 7 pending bits plus one value: 31 bits stay exact in 32-bit integer math.
  if (width > 24) throw new RangeError(`bit width ${width} is over this encoder's 24`);
  const groups = Math.ceil(n / 8);
  out.varint((groups << 1) | 1);
  if (width === 0) return;
  out.ensure(groups * width);
  let acc = 0;
  let bits = 0;
  const end = start + groups * 8;
  const last = start + n;
  for (let k = start; k < end; k++) {
    const v = k < last ? (values[k] as number) : 0;
    acc |= v << bits;
    bits += width;
    while (bits >= 8) {
      out.byte(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out.byte(acc & 0xff);
}
