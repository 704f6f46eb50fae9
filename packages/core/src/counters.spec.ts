import { describe, expect, it } from 'vitest';
import { Counters } from './counters.js';

describe('Counters.totals', () => {
  it("counts the bytes a row source's parser read, which its source does not count", () => {
    const counters = new Counters();
    // runPipeline registers a source its reader parses (openRows) as a stage: the parser counts rows and bytes.
    Object.assign(counters.component('in.csv', 'stage'), { rowsOut: 3 });
    Object.assign(counters.component('csv-parse', 'reader'), { rowsIn: 3, rowsOut: 3, bytesIn: 120 });
    Object.assign(counters.component('out.parquet', 'sink'), { rowsOut: 3, bytesOut: 80 });
    expect(counters.totals()).toEqual({ rowsRead: 3, rowsWritten: 3, rowsRejected: 0, rowsDropped: 0, bytesIn: 120, bytesOut: 80 });
  });

  it('counts once the bytes a byte source fetched and a parser behind it parsed', () => {
    const counters = new Counters();
    Object.assign(counters.component('in.ndjson', 'source'), { bytesIn: 1477 });
    Object.assign(counters.component('ndjson-parse', 'reader'), { rowsIn: 12, rowsOut: 12, bytesIn: 1477 });
    expect(counters.totals()).toMatchObject({ rowsRead: 12, bytesIn: 1477 });
  });
});
