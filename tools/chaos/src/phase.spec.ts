import { describe, expect, it } from 'vitest';
import { phaseAt } from './phase.js';

const marks = [
  { phase: 'reading', when: /^reading / },
  { phase: 'writing', when: /^creating table/ },
  { phase: 'committing', when: /written$/ },
];
const log = (...msgs: string[]) => msgs.map((msg) => JSON.stringify({ level: 'info', msg })).join('\n');

describe('phaseAt', () => {
  it('is starting before any mark was logged', () => {
    expect(phaseAt('', marks)).toBe('starting');
    expect(phaseAt(log('run 1 started'), marks)).toBe('starting');
  });

  it('is the furthest phase logged, not moved back by a message logged again', () => {
    expect(phaseAt(log('reading a.csv', 'creating table t', 'reading a.csv'), marks)).toBe('writing');
  });

  it('skips a last line the kill cut short', () => {
    expect(phaseAt(`${log('reading a.csv')}\n{"level":"info","msg":"creating ta`, marks)).toBe('reading');
  });
});
