import { describe, expect, it } from 'vitest';
import { ChangeLog, keyId, toMicros } from './change-log.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 0, minute));
const keys = (id: string) => ({ pk: { S: id } });
const image = (id: string, v: string) => ({ pk: { S: id }, v: { N: v } });

function logOf(writes: Array<[minute: number, id: string, before: string | undefined, after: string | undefined]>): ChangeLog {
  const log = new ChangeLog();
  for (const [minute, id, before, after] of writes)
    log.record(
      {
        id: keyId(['pk'], keys(id)),
        keys: keys(id),
        oldImage: before === undefined ? undefined : image(id, before),
        newImage: after === undefined ? undefined : image(id, after),
      },
      at(minute),
    );
  return log;
}

describe('change log (what PITR keeps for exports)', () => {
  const log = logOf([
    [1, 'a', undefined, '1'], // before the window
    [5, 'a', '1', '2'],
    [6, 'a', '2', '3'], // updated twice: one change, old image from before the window
    [7, 'b', undefined, '1'], // inserted
    [8, 'c', undefined, '1'],
    [9, 'c', '1', undefined], // created and deleted inside the window: left out
    [10, 'd', '4', undefined], // deleted
    [30, 'e', undefined, '1'], // at the window's end: excluded (ExportToTime is exclusive)
  ]);

  it('compacts a window to one net change per item, dropping items created and deleted inside it', () => {
    const window = log.window(at(5), at(30));
    expect(window.map((c) => [c.keys['pk'], c.oldImage?.['v'], c.newImage?.['v']])).toEqual([
      [{ S: 'a' }, { N: '1' }, { N: '3' }],
      [{ S: 'b' }, undefined, { N: '1' }],
      [{ S: 'd' }, { N: '4' }, undefined],
    ]);
    expect(window[0]?.micros).toBe(toMicros(at(6)));
  });

  it('finds the first write after a time, whose old image is the item as of that time', () => {
    const first = log.firstChangesAfter(at(5));
    expect([...first.values()].map((c) => [c.keys['pk'], c.oldImage?.['v']])).toEqual([
      [{ S: 'a' }, { N: '2' }],
      [{ S: 'b' }, undefined],
      [{ S: 'c' }, undefined],
      [{ S: 'd' }, { N: '4' }],
      [{ S: 'e' }, undefined],
    ]);
  });

  it('gives writes in the same millisecond distinct, increasing timestamps', () => {
    const same = logOf([
      [0, 'x', undefined, '1'],
      [0, 'y', undefined, '1'],
    ]);
    const micros = same.window(at(0), at(1)).map((c) => c.micros);
    expect(micros).toEqual([toMicros(at(0)), toMicros(at(0)) + 1n]);
  });
});
