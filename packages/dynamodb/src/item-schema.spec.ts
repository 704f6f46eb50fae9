import { describe, expect, it } from 'vitest';
import { exactNumber } from './attribute-number.js';
import { ItemSchemaInference } from './item-schema.js';
import type { Item } from './write-sink.js';

function infer(items: Item[], keys: string[] = ['pk']) {
  const inference = new ItemSchemaInference();
  for (const item of items) inference.add(item);
  return Object.fromEntries(inference.columns(keys).map((c) => [c.attribute, c.field]));
}

describe('exactNumber keeps DynamoDB numbers exact', () => {
  it('reads 38 digits, exponents and zeros without a JS number', () => {
    expect(exactNumber('12345678901234567890123456789012345678')).toEqual({
      text: '12345678901234567890123456789012345678',
      integerDigits: 38,
      scale: 0,
    });
    expect(exactNumber('1.50E+3')?.text).toBe('1500');
    expect(exactNumber('-0.000120')).toEqual({ text: '-0.00012', integerDigits: 0, scale: 5 });
    expect(exactNumber('1E-130')?.scale).toBe(130);
    expect(exactNumber('007.10')?.text).toBe('7.1');
    expect(exactNumber('0')?.text).toBe('0');
    expect(exactNumber('abc')).toBeUndefined();
  });
});

describe('ItemSchemaInference widening rule', () => {
  it('integers that fit INT64 are bigint; a fraction makes decimal(38, largest scale); past 38 digits, text', () => {
    const f = infer([
      { pk: { S: 'a' }, q: { N: '6' }, p: { N: '2.55' }, big: { N: '9223372036854775808' }, huge: { N: '1E+100' } },
      { pk: { S: 'b' }, q: { N: '-9223372036854775808' }, p: { N: '3.125' }, big: { N: '1' }, huge: { N: '1' } },
    ]);
    expect(f['q']?.type).toEqual({ kind: 'bigint' });
    expect(f['p']?.type).toEqual({ kind: 'decimal', precision: 38, scale: 3 });
    expect(f['big']?.type).toEqual({ kind: 'decimal', precision: 38, scale: 0 });
    expect(f['huge']?.type).toEqual({ kind: 'string' });
  });

  it('ISO dates -> date, dates and date-times -> timestamp, other strings varchar', () => {
    const f = infer([
      { pk: { S: 'a' }, d: { S: '2011-12-09' }, t: { S: '2011-12-09' }, s: { S: '2011-12-09' } },
      { pk: { S: 'b' }, d: { S: '2010-12-01' }, t: { S: '2010-12-01T08:26:00.000000Z' }, s: { S: 'soon' } },
    ]);
    expect(f['d']?.type).toEqual({ kind: 'date' });
    expect(f['t']?.type).toEqual({ kind: 'timestamp', withZone: false });
    expect(f['s']?.type).toEqual({ kind: 'string' });
  });

  it('mixed kinds -> varchar; any set, list or map -> json; binary -> varchar; only NULL -> varchar', () => {
    const f = infer([
      { pk: { S: 'a' }, ns: { N: '1' }, bn: { BOOL: true }, nested: { N: '1' }, bin: { B: new Uint8Array([1]) }, nul: { NULL: true } },
      { pk: { S: 'b' }, ns: { S: 'x' }, bn: { N: '2' }, nested: { L: [{ N: '1' }] }, bin: { B: new Uint8Array([2]) } },
    ]);
    expect(f['ns']?.type.kind).toBe('string');
    expect(f['bn']?.type.kind).toBe('string');
    expect(f['nested']?.type.kind).toBe('json');
    expect(f['bin']?.type.kind).toBe('string');
    expect(f['nul']).toMatchObject({ type: { kind: 'string' }, nullable: true });
  });

  it('an attribute of one item in many is a nullable column; keys first, then names in order; names cleaned', () => {
    const items: Item[] = Array.from({ length: 10_000 }, (_, i) => ({ pk: { S: `k${i}` }, Zeta: { N: '1' } }));
    items[7777] = { ...items[7777], Extra: { S: 'only here' } };
    const inference = new ItemSchemaInference();
    for (const item of items) inference.add(item);
    expect(inference.columns(['pk']).map((c) => [c.attribute, c.field.name, c.field.nullable])).toEqual([
      ['pk', 'pk', false],
      ['Extra', 'extra', true],
      ['Zeta', 'zeta', false],
    ]);
  });
});
