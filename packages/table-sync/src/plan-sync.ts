import { redshiftType, type Field } from '@etl/schema';
import { DATA_API_MAX_BATCH_STATEMENTS, quoteIdent, quoteQualified } from '@etl/sql';
import type { SourceProfile } from './source-profile.js';
import type { ColumnKind, TargetColumn } from './target-columns.js';
import { packTransactions } from './transactions.js';
import { viewBackupSteps, viewRestoreSteps } from './view-backup.js';

/** One statement of a plan and why it is there (printed by `--dry_run`, logged when run). */
export interface PlanStep {
  sql: string;
  reason: string;
}

/** A view that depends on the target table, captured so it can be dropped and recreated around ALTERs. */
export interface ViewDefinition {
  /** `schema.view`, unquoted. */
  name: string;
  /** The view's SELECT. */
  definition: string;
}

/**
 * Statements that run together: in one transaction (at most 40 statements, a Data API batch), or
 * each on its own (`transaction: false`: Redshift's ALTER COLUMN TYPE cannot run in a transaction block).
 */
export interface PlanPhase {
  transaction: boolean;
  steps: PlanStep[];
  /** This phase drops dependent views that a later phase recreates: once it commits, a failure needs the compensation. */
  dropsViews?: boolean;
}

export interface SyncPlan {
  /** The table does not exist yet. */
  create: boolean;
  /** Every statement in the order it runs (the phases, flattened): what a dry run prints. */
  steps: PlanStep[];
  /**
   * How the steps run, in order. Each phase leaves the table usable: new columns and VARCHAR
   * widenings are harmless on their own; an integer widening (add, copy, drop, rename) is one
   * transaction; dependent views dropped outside the phase that recreates them are kept in the
   * view backup table first (`viewBackupSteps`), so a failure or a kill never loses them.
   */
  phases: PlanPhase[];
  /** Run when a phase fails after the one that `dropsViews` committed: recreates those views (empty: none). */
  compensation: PlanStep[];
  /** Loads that cannot work (text into numbers, a missing key column); non-empty means: do not load. */
  problems: string[];
  /** The target's columns after the steps. */
  columns: TargetColumn[];
}

export interface SyncInput {
  table: string;
  keys: readonly string[];
  profile: SourceProfile;
  target: TargetColumn[] | undefined;
  /** Views reading the table, directly or through each other, a view after the views it reads (`DEPENDENT_VIEWS_SQL`'s order). */
  dependentViews?: readonly ViewDefinition[];
  /**
   * Size integer columns by the values seen alone (the narrowest of SMALLINT / INTEGER / BIGINT that
   * holds them), not by the source schema's integer type: for schemas whose integers were widened to
   * BIGINT only to read the file safely (`InferOptions.widenIntegers`). Default: the schema's type is
   * the least a column gets.
   */
  integersFromValues?: boolean;
}

/** Where an integer column's size comes from: the source type and the values, or the values alone. */
type IntSizing = 'type' | 'values';

const INT_RANGES: Record<'smallint' | 'int' | 'bigint', [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INT_ORDER = ['smallint', 'int', 'bigint'] as const;
const NUMERIC: ReadonlySet<ColumnKind> = new Set(['smallint', 'int', 'bigint', 'decimal', 'double']);
const MAX_VARCHAR = 65535;
/** Seed 003 creates strings as VARCHAR(256) and widens with a 10-byte margin. */
const DEFAULT_VARCHAR = 256;
const VARCHAR_MARGIN = 10;

/**
 * Harmonizes the target table with a source file (seed 003 sections 6 and 10), as a plan: create the
 * table (upsert keys NOT NULL), add new columns, widen VARCHARs to the longest value in UTF-8 bytes
 * (+10, at most 65535), widen SMALLINT -> INTEGER -> BIGINT with Redshift's add-copy-drop-rename, and
 * refuse loads that cannot work. Dependent views are dropped before and recreated after the ALTERs
 * that need it; `phases` says what runs in which transaction. Pure: the caller reads the target and
 * runs the phases.
 */
export function planTableSync(input: SyncInput): SyncPlan {
  const { table, keys, profile } = input;
  const ints: IntSizing = input.integersFromValues ? 'values' : 'type';
  const fields = profile.schema.fields;
  const qualified = quoteQualified(table);
  const problems: string[] = [];
  for (const key of keys)
    if (!fields.some((f) => f.name === key))
      problems.push(`upsert key ${key} is not a column of the source (columns: ${fields.map((f) => f.name).join(', ')})`);

  if (!input.target) {
    const columns = fields.map((f) => newColumn(f, profile, keys, ints));
    const ddl = columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}${c.nullable ? '' : ' NOT NULL'}`).join(', ');
    const steps = [
      {
        sql: `CREATE TABLE ${qualified} (${ddl})`,
        reason: `${table} does not exist: created from the source's ${fields.length} columns, upsert keys ${keys.join(', ')} NOT NULL`,
      },
    ];
    return { create: true, problems, columns, steps, phases: [{ transaction: true, steps }], compensation: [] };
  }

  const columns = input.target.map((c) => ({ ...c }));
  // Kept apart by how they may run: new columns (harmless, any transaction), VARCHAR widenings (each
  // on its own, outside any transaction: "ALTER TABLE - Amazon Redshift"), integer widenings (four
  // statements that must commit together).
  const adds: PlanStep[] = [];
  const widenings: PlanStep[] = [];
  const intUnits: PlanStep[][] = [];
  for (const field of fields) {
    const existing = columns.find((c) => c.name === field.name);
    if (!existing) {
      const column = newColumn(field, profile, keys, ints);
      columns.push(column);
      adds.push({
        sql: `ALTER TABLE ${qualified} ADD COLUMN ${quoteIdent(column.name)} ${column.sqlType}`,
        reason: `new source column ${field.name}`,
      });
      continue;
    }
    const source = field.type.kind;
    if (NUMERIC.has(existing.kind) && !NUMERIC.has(source)) {
      problems.push(
        `column ${field.name}: the source holds ${redshiftType(field.type)} values (${describe(field)}) but ${table}.${existing.name} is ${existing.sqlType}; text cannot load into a numeric column`,
      );
      continue;
    }
    if (existing.kind === 'string') {
      const needed = profile.maxBytes(field.name);
      if (needed > (existing.length ?? MAX_VARCHAR)) {
        if (needed > MAX_VARCHAR) {
          problems.push(`column ${field.name}: a value of ${needed} bytes is longer than Redshift's VARCHAR maximum (${MAX_VARCHAR})`);
          continue;
        }
        const length = Math.min(MAX_VARCHAR, needed + VARCHAR_MARGIN);
        widenings.push({
          sql: `ALTER TABLE ${qualified} ALTER COLUMN ${quoteIdent(existing.name)} TYPE VARCHAR(${length})`,
          reason: `${field.name}: longest source value is ${needed} bytes, the column holds ${existing.length}`,
        });
        existing.length = length;
        existing.sqlType = `VARCHAR(${length})`;
      }
    }
    if (existing.kind === 'smallint' || existing.kind === 'int') {
      const wider = widerInt(existing.kind, field, profile, ints);
      if (wider) {
        const temporary = `${existing.name}__widen`;
        const type = redshiftType({ kind: wider });
        intUnits.push([
          {
            sql: `ALTER TABLE ${qualified} ADD COLUMN ${quoteIdent(temporary)} ${type}`,
            reason: `${field.name}: source values need ${type} (was ${existing.sqlType}); Redshift cannot change an integer column's type in place`,
          },
          {
            sql: `UPDATE ${qualified} SET ${quoteIdent(temporary)} = ${quoteIdent(existing.name)}`,
            reason: `${field.name}: copy into the wider column`,
          },
          { sql: `ALTER TABLE ${qualified} DROP COLUMN ${quoteIdent(existing.name)}`, reason: `${field.name}: drop the narrow column` },
          {
            sql: `ALTER TABLE ${qualified} RENAME COLUMN ${quoteIdent(temporary)} TO ${quoteIdent(existing.name)}`,
            reason: `${field.name}: the wider column takes its name`,
          },
        ]);
        existing.kind = wider;
        existing.sqlType = type;
      }
    }
  }
  const views = intUnits.length > 0 || widenings.length > 0 ? (input.dependentViews ?? []) : [];
  // Dependents first: `dependentViews` lists a view after the views it reads.
  const drops = [...views].reverse().map((v) => ({
    sql: `DROP VIEW IF EXISTS ${quoteQualified(v.name)}`,
    reason: `view ${v.name} depends on ${table}: dropped for the ALTERs, recreated after`,
  }));
  const phases: PlanPhase[] = [...packTransactions(adds.map((step) => [step]))];
  let compensation: PlanStep[] = [];
  const intSteps = intUnits.flat();
  if (views.length === 0) {
    phases.push(...widenings.map((step) => ({ transaction: false, steps: [step] })), ...packTransactions(intUnits));
  } else if (widenings.length === 0 && 2 * views.length + intSteps.length <= DATA_API_MAX_BATCH_STATEMENTS) {
    // Everything that needs the views gone fits one transaction: they never go missing.
    phases.push({ transaction: true, steps: [...drops, ...intSteps, ...viewRestoreSteps(table, views, { backup: false })] });
  } else {
    const backup = viewBackupSteps(table, views);
    const restore = viewRestoreSteps(table, views, { backup: true });
    if (backup.length + drops.length > DATA_API_MAX_BATCH_STATEMENTS || restore.length > DATA_API_MAX_BATCH_STATEMENTS)
      problems.push(
        `${table} has ${views.length} dependent views: more than one Data API batch (${DATA_API_MAX_BATCH_STATEMENTS} statements) can drop and recreate around the ALTERs`,
      );
    phases.push(
      { transaction: true, steps: [...backup, ...drops], dropsViews: true },
      ...widenings.map((step) => ({ transaction: false, steps: [step] })),
      ...packTransactions(intUnits),
      { transaction: true, steps: restore },
    );
    compensation = restore;
  }
  return { create: false, problems, columns, steps: phases.flatMap((p) => p.steps), phases, compensation };
}

function describe(field: Field): string {
  return field.type.kind === 'string' ? 'text' : field.type.kind;
}

/** A column for a source field: strings sized as seed 003 does, integers as `IntSizing` says, keys NOT NULL. */
function newColumn(field: Field, profile: SourceProfile, keys: readonly string[], ints: IntSizing): TargetColumn {
  const nullable = !keys.includes(field.name);
  if (field.type.kind === 'string') {
    const needed = profile.maxBytes(field.name);
    const length = needed + VARCHAR_MARGIN > DEFAULT_VARCHAR ? Math.min(MAX_VARCHAR, needed + VARCHAR_MARGIN) : DEFAULT_VARCHAR;
    return { name: field.name, kind: 'string', sqlType: `VARCHAR(${length})`, length, nullable };
  }
  if (!INT_ORDER.includes(field.type.kind as IntKind))
    return { name: field.name, kind: field.type.kind, sqlType: redshiftType(field.type), nullable };
  const kind = intNeeded(ints === 'values' ? 'smallint' : (field.type.kind as IntKind), profile.intRange(field.name));
  return { name: field.name, kind, sqlType: redshiftType({ kind }), nullable };
}

type IntKind = (typeof INT_ORDER)[number];

/** The narrowest integer type at least `least` that holds the range. */
function intNeeded(least: IntKind, range: { min: bigint; max: bigint } | undefined): IntKind {
  let i = INT_ORDER.indexOf(least);
  while (range && i < 2 && (range.min < INT_RANGES[INT_ORDER[i] as IntKind][0] || range.max > INT_RANGES[INT_ORDER[i] as IntKind][1])) i++;
  return INT_ORDER[i] as IntKind;
}

/** The integer type the source needs when the column's is too narrow, else undefined. */
function widerInt(current: 'smallint' | 'int', field: Field, profile: SourceProfile, ints: IntSizing): 'int' | 'bigint' | undefined {
  const byType = ints === 'values' || !INT_ORDER.includes(field.type.kind as IntKind) ? current : (field.type.kind as IntKind);
  const least = INT_ORDER.indexOf(byType) > INT_ORDER.indexOf(current) ? byType : current;
  const needed = intNeeded(least, profile.intRange(field.name));
  return needed === current ? undefined : (needed as 'int' | 'bigint');
}
