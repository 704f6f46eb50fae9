import { describe, expect, it } from 'vitest';
import { diffItem, sameAttribute } from './item-diff.js';

const ignore = new Set(['created_at', 'updated_at']);

describe('diffItem', () => {
  it('tells new, changed and unchanged items apart, numbers by value, bookkeeping ignored', () => {
    const item = { pk: { S: 'A#1' }, qty: { N: '12.3400' }, name: { S: '㈱テスト' } };
    expect(diffItem(item, undefined, ignore)).toBe('new');
    expect(diffItem(item, { pk: { S: 'A#1' }, qty: { N: '12.34' }, name: { S: '㈱テスト' }, updated_at: { S: 'x' } }, ignore)).toBe(
      'unchanged',
    );
    expect(diffItem(item, { pk: { S: 'A#1' }, qty: { N: '12.35' }, name: { S: '㈱テスト' } }, ignore)).toBe('changed');
    expect(diffItem({ ...item, note: { NULL: true } }, { pk: { S: 'A#1' }, qty: { N: '12.34' }, name: { S: '㈱テスト' } }, ignore)).toBe(
      'unchanged',
    );
    expect(diffItem(item, { pk: { S: 'A#1' }, qty: { N: '12.34' }, name: { S: '㈱テスト' }, extra: { S: 'x' } }, ignore)).toBe('changed');
  });

  it('compares numbers exactly, beyond what a double holds', () => {
    expect(sameAttribute({ N: '9007199254740993' }, { N: '9007199254740992' })).toBe(false);
    expect(sameAttribute({ N: '-0.500' }, { N: '-.5' })).toBe(false); // DynamoDB never returns -.5; kept strict
    expect(sameAttribute({ N: '-0.500' }, { N: '-0.5' })).toBe(true);
    expect(sameAttribute({ N: '100' }, { N: '100.0' })).toBe(true);
  });
});
