import { describe, expect, it } from 'vitest';
import { summaryTable } from './summary-table.js';

describe('summaryTable', () => {
  it('pads columns to their widest cell and right-aligns numeric columns', () => {
    expect(
      summaryTable(
        ['pipeline', 'lost'],
        [
          ['a', 0],
          ['longer-name', 12],
        ],
      ),
    ).toBe(['pipeline     lost', '-----------  ----', 'a               0', 'longer-name    12'].join('\n'));
  });
});
