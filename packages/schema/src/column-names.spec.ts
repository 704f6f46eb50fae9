import { describe, expect, it } from 'vitest';
import { cleanColumnNames } from './column-names.js';

describe('cleanColumnNames', () => {
  it('cleans as seed 003 does', () => {
    expect(cleanColumnNames(['First Name!', '  Unit  Price ($) ', 'e-mail__address'])).toEqual([
      'first_name',
      'unit_price',
      'e_mail_address',
    ]);
  });

  it('makes hostile names safe and distinct', () => {
    const names = cleanColumnNames([`a"; DROP TABLE x; --`, 'select', 'Order', '', '2024 Sales', 'name', 'NAME', 'name_2', '!!!']);
    expect(names).toEqual(['a_drop_table_x', 'select_', 'order_', 'column_4', 'col_2024_sales', 'name', 'name_3', 'name_2', 'column_9']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps Japanese names (or drops them with asciiOnly) and folds full-width forms', () => {
    expect(cleanColumnNames(['商品名', 'ＳＫＵ（コード）'])).toEqual(['商品名', 'sku_コード']);
    expect(cleanColumnNames(['商品名', 'ＳＫＵ'], { asciiOnly: true })).toEqual(['column_1', 'sku']);
  });

  it('cuts to 127 UTF-8 bytes on a character boundary and keeps cut names distinct', () => {
    const long = 'x'.repeat(200);
    const [a, b] = cleanColumnNames([long, long]);
    expect(Buffer.byteLength(a ?? '')).toBe(127);
    expect(b).toMatch(/_2$/);
    expect(Buffer.byteLength(b ?? '')).toBeLessThanOrEqual(127);
    const [jp] = cleanColumnNames(['商'.repeat(100)]);
    expect(Buffer.byteLength(jp ?? '')).toBe(126);
  });
});
