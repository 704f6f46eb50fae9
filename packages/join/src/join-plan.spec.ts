import { describe, expect, it } from 'vitest';
import { parseType, type Schema } from '@etl/schema';
import { normaliseKey, parseJoinKeys, planJoin, type JoinSettings } from './join-plan.js';

const schema = (...columns: string[]): Schema => ({
  fields: columns.map((c) => {
    const [name, type = 'string'] = c.split(':');
    return { name: name as string, type: parseType(type), nullable: true };
  }),
});
const settings = (over: Partial<JoinSettings> = {}): JoinSettings => ({
  joinKey: 'account_id',
  joinKeys: new Map(),
  type: 'inner',
  ...over,
});

const accounts = { name: 'accounts', schema: schema('account_id:bigint', 'name', 'updated_at:timestamp') };
const orders = { name: 'orders', schema: schema('order_id:bigint', 'account_id:bigint', 'status', 'updated_at:timestamp') };
const tickets = { name: 'tickets', schema: schema('ticket_id', 'account_id:int', 'status', 'updated_at:timestamp') };

describe('planJoin', () => {
  it('prefixes every column named in more than one table in each, the key once under --join_key, tables by name', () => {
    const plan = planJoin([tickets, orders, accounts], settings());
    expect(plan.tables.map((t) => t.name)).toEqual(['accounts', 'orders', 'tickets']);
    expect(plan.schema.fields.map((f) => f.name)).toEqual([
      'account_id',
      'name',
      'accounts__updated_at',
      'order_id',
      'orders__status',
      'orders__updated_at',
      'ticket_id',
      'tickets__status',
      'tickets__updated_at',
    ]);
    expect(plan.prefixed.sort()).toEqual(['status', 'updated_at']);
    expect(plan.schema.fields.every((f) => f.nullable)).toBe(true);
  });

  it('--join_keys: a table keyed by another column; its column named like the key is prefixed', () => {
    const legacy = { name: 'legacy', schema: schema('acct_id:bigint', 'account_id', 'note') };
    const plan = planJoin([accounts, legacy], settings({ joinKeys: parseJoinKeys(['legacy=acct_id']) }));
    expect(plan.tables.map((t) => [t.name, t.keyName, t.keyColumn])).toEqual([
      ['accounts', 'account_id', 0],
      ['legacy', 'acct_id', 0],
    ]);
    expect(plan.schema.fields.map((f) => f.name)).toEqual(['account_id', 'name', 'updated_at', 'legacy__account_id', 'note']);
  });

  it('left: the driving table first (default the first by name), others by name', () => {
    expect(planJoin([accounts, orders, tickets], settings({ type: 'left', drivingTable: 'tickets' })).tables.map((t) => t.name)).toEqual([
      'tickets',
      'accounts',
      'orders',
    ]);
    expect(planJoin([tickets, orders], settings({ type: 'left' })).tables[0]?.name).toBe('orders');
  });

  it('key types: integers of any width as bigint, numbers and text mixed as text, others refused naming each table', () => {
    const ints = planJoin([accounts, tickets], settings());
    expect([ints.normalisation, ints.schema.fields[0]?.type]).toEqual(['integer', { kind: 'bigint' }]);
    const text = { name: 'crm', schema: schema('account_id', 'x') };
    expect(planJoin([accounts, text], settings()).normalisation).toBe('text');
    const times = { name: 'events', schema: schema('account_id:timestamp') };
    expect(() => planJoin([accounts, times], settings())).toThrow(
      'join key types cannot be compared: accounts.account_id is bigint, events.account_id is timestamp',
    );
  });

  it('reports every problem at once: a table without the key, unknown override and driving tables', () => {
    const nokey = { name: 'nokey', schema: schema('id', 'x') };
    expect(() =>
      planJoin([accounts, nokey], settings({ type: 'left', drivingTable: 'nope', joinKeys: new Map([['ghost', 'id']]) })),
    ).toThrow(
      /--join_keys names ghost.*--driving_table nope is not a table of this join.*--join_key account_id: nokey has no column account_id/,
    );
    // A column named per table by --join_keys is that argument's problem, not --join_key's.
    expect(() => planJoin([accounts, nokey], settings({ joinKeys: new Map([['nokey', 'acct']]) }))).toThrow(
      /^--join_keys: nokey has no column acct$/,
    );
    expect(() => planJoin([accounts], settings({ drivingTable: 'accounts' }))).toThrow('--driving_table applies to --join_type left');
    expect(() => parseJoinKeys(['orders:acct'])).toThrow('--join_keys: orders:acct is not table=column');
  });
});

describe('normaliseKey', () => {
  it('null and empty text match nothing; text is trimmed; integers become bigint', () => {
    expect(normaliseKey(null, 'as-is', 'bigint')).toBeUndefined();
    expect(normaliseKey('  ', 'as-is', 'string')).toBeUndefined();
    expect(normaliseKey(' a1 ', 'as-is', 'string')).toBe('a1');
    expect(normaliseKey(7, 'integer', 'int')).toBe(7n);
  });

  it('text: numbers as plain decimal text without trailing zeros, leading zeros of text kept', () => {
    expect(normaliseKey(7, 'text', 'int')).toBe('7');
    expect(normaliseKey(12345678901234567890n, 'text', 'bigint')).toBe('12345678901234567890');
    expect(normaliseKey('7.00', 'text', 'decimal')).toBe('7');
    expect(normaliseKey('12.50', 'text', 'decimal')).toBe('12.5');
    expect(normaliseKey(' 007 ', 'text', 'string')).toBe('007');
  });
});
