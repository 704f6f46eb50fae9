/** `--partition_by` specs with each attribute named by its column (`InvoiceDate:month` -> `invoicedate:month`). */
export function partitionSpecs(text: string | undefined, columns: ReadonlyArray<{ attribute: string; field: { name: string } }>): string[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((spec) => {
      const [name = '', unit] = spec.split(':');
      const column = columns.find((c) => c.attribute === name)?.field.name ?? name;
      return unit === undefined ? column : `${column}:${unit}`;
    });
}
