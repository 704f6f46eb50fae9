import type { FieldType } from '@etl/schema';

interface Column {
  attribute: string;
  field: { name: string; type: FieldType };
}

/** `--partition_by` specs with each attribute named by its column (`InvoiceDate:month` -> `invoicedate:month`). */
export function partitionSpecs(text: string | undefined, columns: ReadonlyArray<{ attribute: string; field: { name: string } }>): string[] {
  return specs(text).map(({ name, unit }) => {
    const column = columns.find((c) => c.attribute === name)?.field.name ?? name;
    return unit === undefined ? column : `${column}:${unit}`;
  });
}

/**
 * What is wrong with `--partition_by` for these columns (the declared schema before the scan, the inferred one
 * before anything is written), one line each: an attribute that is no column, a unit on a column that is no
 * date or timestamp. [] when it fits.
 */
export function partitionProblems(text: string | undefined, columns: readonly Column[]): string[] {
  return specs(text).flatMap(({ name, unit, spec }) => {
    const column = columns.find((c) => c.attribute === name) ?? columns.find((c) => c.field.name === name);
    if (!column)
      return [
        `--partition_by: ${spec}: no attribute ${name} (attributes: ${columns.map((c) => c.attribute).join(', ')}); names are case-sensitive`,
      ];
    const kind = column.field.type.kind;
    if (unit !== undefined && kind !== 'date' && kind !== 'timestamp')
      return [`--partition_by: ${spec}: ${unit} needs a date or timestamp attribute, ${name} is ${kind}`];
    return [];
  });
}

function specs(text: string | undefined): Array<{ spec: string; name: string; unit: string | undefined }> {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((spec) => {
      const [name = '', unit] = spec.split(':');
      return { spec, name: name.trim(), unit: unit?.trim() };
    });
}
