import { civilDate } from './calendar.js';
import { decimalText, int64Number, type Column } from './column-batch.js';
import { microsText, numberText } from './mappings.js';

/**
 * Reads one column's values as staging text straight from its typed layout: for a row that has a
 * value, exactly `formatValue(valueAt(column, row), column.field)`, without the row form's BigInt per
 * timestamp and bigint or string per number in between. Null rows (`valid` 0) are the caller's to
 * write. Made once per batch: the reader holds that batch's arrays.
 */
export function columnText(column: Column): (row: number) => string {
  const { data, field } = column;
  const type = field.type;
  switch (data.layout) {
    case 'int32': {
      const values = data.values;
      if (type.kind === 'date') return (r) => civilDate(values[r] as number);
      if (type.kind === 'decimal') {
        const scale = type.scale;
        return (r) => decimalText(values[r] as number, scale);
      }
      return (r) => String(values[r]);
    }
    case 'int64': {
      const { values, halves } = data;
      const at = (r: number): number | bigint => int64Number(halves, r) ?? (values[r] as bigint);
      if (type.kind === 'timestamp') {
        const suffix = type.withZone ? '+00' : '';
        return (r) => microsText(at(r), ' ', suffix);
      }
      if (type.kind === 'decimal') {
        const scale = type.scale;
        return (r) => decimalText(at(r), scale);
      }
      return (r) => String(at(r));
    }
    case 'float64': {
      const values = data.values;
      return (r) => numberText(values[r] as number);
    }
    case 'boolean': {
      const values = data.values;
      return (r) => (values[r] === 1 ? 'true' : 'false');
    }
    case 'text': {
      const values = data.values;
      return (r) => values[r] as string;
    }
  }
}
