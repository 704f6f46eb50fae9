import { describe, expect, it } from 'vitest';
import { inputsCommand } from './inputs-command.js';

describe('chaos:inputs --corpus', () => {
  it('refuses a folder that is not there, naming it, before any stack or run starts', async () => {
    const lines: string[] = [];
    await expect(inputsCommand(['--corpus', '/no/such/corpus'], (line) => lines.push(line))).rejects.toThrow(
      '--corpus /no/such/corpus: not a folder; give all (tools/chaos/corpus), none, or a folder of files',
    );
    expect(lines).toEqual([]);
  });
});
