import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ItemSpool } from './item-spool.js';
import type { Item } from './write-sink.js';

describe('ItemSpool', () => {
  it('gives back every item in order, binary included, in batches; remove deletes it', async () => {
    const spool = await ItemSpool.create();
    const items: Item[] = Array.from({ length: 2500 }, (_, i) => ({
      pk: { S: `k${i}` },
      b: { B: new Uint8Array([i % 256, 0]) },
      bs: { BS: [Buffer.from([1, 2])] },
      m: { M: { $b64: { S: 'not binary' } } },
    }));
    for (let i = 0; i < items.length; i += 100) await spool.write(items.slice(i, i + 100));
    await spool.finish();
    const back: Item[] = [];
    const sizes: number[] = [];
    for await (const batch of spool.read(1000)) {
      sizes.push(batch.length);
      back.push(...batch);
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(back[1234]).toEqual({
      pk: { S: 'k1234' },
      b: { B: new Uint8Array([1234 % 256, 0]) },
      bs: { BS: [new Uint8Array([1, 2])] },
      m: { M: { $b64: { S: 'not binary' } } },
    });
    expect(spool.items).toBe(2500);
    await spool.remove();
    expect(existsSync(spool.dir)).toBe(false);
  });
});
