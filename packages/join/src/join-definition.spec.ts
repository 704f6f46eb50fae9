import { describe, expect, it } from 'vitest';
import { changedDefinition, joinDefinition } from './join-definition.js';
import type { PlannedTable } from './join-plan.js';

const table = (name: string, keyName = 'account_id'): PlannedTable => ({ name, keyColumn: 0, keyName, keyKind: 'bigint', columns: [] });

describe('joinDefinition', () => {
  it('the same join has the same fingerprint; its type, tables, a key column or the driving table change it', () => {
    const inner = joinDefinition({ type: 'inner', tables: [table('accounts'), table('orders')] }, 'account_id');
    expect(inner.readable).toBe('inner join on account_id of accounts, orders');
    expect(joinDefinition({ type: 'inner', tables: [table('accounts'), table('orders')] }, 'account_id').fingerprint).toBe(
      inner.fingerprint,
    );
    const others = [
      joinDefinition({ type: 'full', tables: [table('accounts'), table('orders')] }, 'account_id'),
      joinDefinition({ type: 'inner', tables: [table('accounts'), table('orders'), table('tickets')] }, 'account_id'),
      joinDefinition({ type: 'inner', tables: [table('accounts'), table('orders', 'acct_id')] }, 'account_id'),
      joinDefinition({ type: 'left', tables: [table('accounts'), table('orders')] }, 'account_id'),
      joinDefinition({ type: 'left', tables: [table('orders'), table('accounts')] }, 'account_id'),
    ];
    expect(others.map((d) => d.readable)).toEqual([
      'full join on account_id of accounts, orders',
      'inner join on account_id of accounts, orders, tickets',
      'inner join on account_id of accounts, orders.acct_id',
      'left join on account_id of accounts (driving), orders',
      'left join on account_id of orders (driving), accounts',
    ]);
    expect(new Set([inner, ...others].map((d) => d.fingerprint)).size).toBe(6);
    expect(changedDefinition(undefined, inner)).toBeUndefined();
    expect(changedDefinition(inner, inner)).toBeUndefined();
    expect(changedDefinition(inner, others[0] as typeof inner)).toMatch(
      /^the join changed since the last run \(was: inner .*; now: full .*--load_type full/,
    );
  });
});
