import { describe, expect, it } from 'vitest';
import { bindNamedParameters } from './named-parameters.js';

describe('bindNamedParameters', () => {
  it('binds :name to positions, leaving casts, strings, identifiers and comments alone', () => {
    expect(bindNamedParameters(`SELECT :id::int, ':x', "col:y" -- :z\nFROM t WHERE a = :name AND b = :id`, { id: '7', name: 'x' })).toEqual(
      {
        sql: `SELECT $1::int, ':x', "col:y" -- :z\nFROM t WHERE a = $2 AND b = $1`,
        values: ['7', 'x'],
      },
    );
  });

  it('says which parameter is missing or unused', () => {
    expect(() => bindNamedParameters('SELECT :a', { b: '1' })).toThrow('parameter :a is used but not given');
    expect(() => bindNamedParameters('SELECT :a', { a: '1', b: '2' })).toThrow('not used in the SQL: b');
  });
});
