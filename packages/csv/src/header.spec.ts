import { describe, expect, it } from 'vitest';
import { uniqueHeader } from './header.js';

describe('uniqueHeader', () => {
  it('names blanks by position and numbers duplicates', () => {
    expect(uniqueHeader(['id', '', 'name', 'name', ' id ', 'name_2'])).toEqual(['id', 'column_2', 'name', 'name_3', 'id_2', 'name_2']);
  });
});
