export type { Detection, EncodingLabel } from './detect.js';
export { detectEncoding } from './detect.js';
export { isUtf8 } from './plausibility.js';
export type { ChunkDecoder } from './text-decoder.js';
export { createDecoder, decodeAll } from './text-decoder.js';
export type { DecodeOptions, DecodeTransform } from './decode-stream.js';
export { InvalidByteLocator } from './invalid-bytes.js';
export { decodeStream } from './decode-stream.js';
export { encodeUtf8, utf8Length, writeUtf8 } from './utf8-encode.js';
