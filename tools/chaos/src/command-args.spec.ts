import { describe, expect, it } from 'vitest';
import { commandOptions } from './command-args.js';

describe('commandOptions', () => {
  it('reads numbers and strings over their defaults', () => {
    expect(commandOptions(['--runs', '5', '--pipeline', 'sample-orders'], { pipeline: 'all', runs: 50 })).toEqual({
      pipeline: 'sample-orders',
      runs: 5,
    });
  });

  it('refuses a bad argument in one line naming it and the options', () => {
    for (const argv of [
      ['--runs', '-1'],
      ['--rns', '5'],
      ['--runs', 'x'],
    ]) {
      const error = (() => {
        try {
          commandOptions(argv, { pipeline: 'all', runs: 50 });
        } catch (caught) {
          return caught as Error;
        }
        return undefined;
      })();
      expect(error?.message, argv.join(' ')).toMatch(/--r/);
      expect(error?.message, argv.join(' ')).not.toContain('\n');
    }
  });
});
