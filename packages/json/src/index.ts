export type { Line, LineSplitterOptions, OversizedLine } from './line-splitter.js';
export { LineSplitter } from './line-splitter.js';
export type { Located, NdjsonParserOptions } from './ndjson-parser.js';
export { ndjsonParser } from './ndjson-parser.js';
export type { NdjsonWriterOptions } from './ndjson-writer.js';
export { ndjsonWriter } from './ndjson-writer.js';
export type { JsonArrayParserOptions } from './json-array-parser.js';
export { jsonArrayParser } from './json-array-parser.js';
export { validateLocated } from './validate-located.js';
