/**
 * How read values are represented, matching `@etl/schema` values so a file written and read back
 * compares equal: DECIMAL as exact strings scaled to the column; DATE as `YYYY-MM-DD`; TIMESTAMP as
 * bigint microseconds (millis widened, nanos floored); INT64 as bigint; strings as strings; byte
 * arrays without a string annotation as `Uint8Array`.
 */
import { civilDate } from '@etl/schema';

export { decimalText } from '@etl/schema';

/** Big-endian two's complement bytes -> bigint (FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY decimals). */
export function bigEndianSigned(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes.length > 0 && (bytes[0] as number) & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

const decoder = new TextDecoder();

/** hyparquet parsers producing the values above (decimals are handled apart: see parquet-file.ts). */
export const parsers = {
  timestampFromMilliseconds: (millis: bigint) => BigInt(millis) * 1000n,
  timestampFromMicroseconds: (micros: bigint) => BigInt(micros),
  timestampFromNanoseconds: (nanos: bigint) => floorDiv(BigInt(nanos), 1000n),
  dateFromDays: (days: number) => civilDate(days),
  stringFromBytes: (bytes: Uint8Array | undefined) => bytes && decoder.decode(bytes),
  jsonFromBytes: (bytes: Uint8Array | undefined) => bytes && decoder.decode(bytes),
};
