export type { CsvParserOptions, OnRecord, OnReject } from './csv-parser.js';
export { CsvParser } from './csv-parser.js';
export type { CsvRecord, CsvReaderOptions } from './csv-reader.js';
export { csvReader } from './csv-reader.js';
export type { CsvDialect } from './sniff.js';
export { sniffCsv } from './sniff.js';
export { uniqueHeader } from './header.js';
export type { CsvFormatOptions } from './csv-formatter.js';
export { CsvFormatter } from './csv-formatter.js';
