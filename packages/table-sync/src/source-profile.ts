import type { Field, Schema, Value } from '@etl/schema';

/**
 * What the source file's values need from the target table, gathered while the rows stream by:
 * the longest string of each column in UTF-8 bytes (Redshift's VARCHAR length unit) and the range of
 * each integer column. Pure; memory is per column, not per row.
 */
export class SourceProfile {
  private readonly bytes: number[];
  private readonly min: Array<bigint | undefined>;
  private readonly max: Array<bigint | undefined>;
  private readonly kinds: Array<Field['type']['kind']>;
  rows = 0;

  constructor(readonly schema: Schema) {
    this.kinds = schema.fields.map((f) => f.type.kind);
    this.bytes = schema.fields.map(() => 0);
    this.min = schema.fields.map(() => undefined);
    this.max = schema.fields.map(() => undefined);
  }

  observe(values: readonly Value[]): void {
    this.rows++;
    for (let i = 0; i < this.kinds.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      const kind = this.kinds[i];
      if (kind === 'string' || kind === 'json') {
        const n = Buffer.byteLength(v as string, 'utf8');
        if (n > (this.bytes[i] as number)) this.bytes[i] = n;
      } else if (kind === 'smallint' || kind === 'int' || kind === 'bigint') {
        const b = BigInt(v as number | bigint);
        const lo = this.min[i];
        const hi = this.max[i];
        if (lo === undefined || b < lo) this.min[i] = b;
        if (hi === undefined || b > hi) this.max[i] = b;
      }
    }
  }

  maxBytes(name: string): number {
    const i = this.index(name);
    return i === -1 ? 0 : (this.bytes[i] as number);
  }

  intRange(name: string): { min: bigint; max: bigint } | undefined {
    const i = this.index(name);
    const min = this.min[i];
    const max = this.max[i];
    return min === undefined || max === undefined ? undefined : { min, max };
  }

  private index(name: string): number {
    return this.schema.fields.findIndex((f) => f.name === name);
  }
}
