import { describe, expect, it } from 'vitest';
import { copyErrorContext } from './copy-error-context.js';

describe('copyErrorContext', () => {
  it('reads the line and column of a COPY error, and nothing from other errors', () => {
    expect(copyErrorContext({ where: 'COPY w_stage, line 2, column amount: "not-a-number"' })).toEqual({ line: 2, column: 'amount' });
    expect(copyErrorContext({ where: 'COPY t, line 7: "1,2,3"' })).toEqual({ line: 7 });
    expect(copyErrorContext(new Error('connection reset'))).toEqual({});
    expect(copyErrorContext(null)).toEqual({});
  });
});
