import { utf8Length } from '@etl/encoding';
import { emptyFacts, mergeFacts, observeFacts, type ColumnBatch, type ColumnFacts, type ConstantColumn, type Schema } from '@etl/schema';

/**
 * What the source file's values need from the target table, gathered while the rows stream by:
 * the longest string of each column in UTF-8 bytes (Redshift's VARCHAR length unit) and the range of
 * each integer column (`ColumnFacts`, which a conversion on threads gathers per part and merges).
 * Pure; memory is per column, not per row.
 */
export class SourceProfile {
  /** The source's columns' facts, then the constant columns' (one value each). */
  private readonly facts: ColumnFacts;
  /** The source's columns, as batches hold them. */
  private readonly observed: number;
  /** The source's columns, then the constant ones: what the target needs. */
  readonly schema: Schema;

  constructor(source: Schema, constants: readonly ConstantColumn[] = []) {
    this.schema = { fields: [...source.fields, ...constants.map((c) => c.field)] };
    this.facts = emptyFacts(this.schema.fields);
    this.observed = source.fields.length;
    constants.forEach(({ field, value }, k) => {
      const i = this.observed + k;
      const kind = field.type.kind;
      if (typeof value === 'string' && (kind === 'string' || kind === 'json')) this.facts.bytes[i] = utf8Length(value);
      else if ((typeof value === 'number' || typeof value === 'bigint') && (kind === 'smallint' || kind === 'int' || kind === 'bigint'))
        this.facts.min[i] = this.facts.max[i] = BigInt(value);
    });
  }

  get rows(): number {
    return this.facts.rows;
  }

  /** Takes in one batch of the file's rows (the source's columns); columns past them (a line number) are not looked at. */
  observe(batch: ColumnBatch): void {
    observeFacts(this.facts, batch.columns.length > this.observed ? { ...batch, columns: batch.columns.slice(0, this.observed) } : batch);
  }

  /** Takes in the facts of rows gathered elsewhere (the source's columns, in order: `convert`'s `facts`). */
  merge(facts: ColumnFacts): void {
    mergeFacts(this.facts, facts);
  }

  maxBytes(name: string): number {
    const i = this.index(name);
    return i === -1 ? 0 : (this.facts.bytes[i] as number);
  }

  intRange(name: string): { min: bigint; max: bigint } | undefined {
    const i = this.index(name);
    const min = this.facts.min[i];
    const max = this.facts.max[i];
    return min === undefined || max === undefined ? undefined : { min, max };
  }

  private index(name: string): number {
    return this.schema.fields.findIndex((f) => f.name === name);
  }
}
