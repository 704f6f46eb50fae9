export type { Detection, EncodingLabel } from './detect.js';
export { detectEncoding, isUtf8 } from './detect.js';
export type { ChunkDecoder } from './text-decoder.js';
export { createDecoder, decodeAll } from './text-decoder.js';
export type { DecodeOptions } from './decode-stream.js';
export { decodeStream } from './decode-stream.js';
