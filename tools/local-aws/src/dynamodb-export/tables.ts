import { ChangeLog } from './change-log.js';
import { DynamoDbError, type Upstream } from './upstream.js';

export interface TableInfo {
  name: string;
  arn: string;
  id: string;
  /** Partition key name, then the sort key's when there is one. */
  keyNames: string[];
}

interface PitrState {
  enabledAt: Date;
  recoveryPeriodInDays: number;
  log: ChangeLog;
}

const DAY_MS = 86_400_000;

/**
 * What the front knows of the upstream's tables: their keys (asked once) and, for each table with
 * point-in-time recovery enabled, when it was enabled and its change log. PITR state lives in memory:
 * a restarted stack has it off again, as its S3 is empty again.
 */
export class Tables {
  private readonly info = new Map<string, TableInfo>();
  private readonly pitr = new Map<string, PitrState>();

  constructor(private readonly upstream: Upstream) {}

  /** The table by name or ARN; `ResourceNotFoundException` (or `notFoundType`) when it does not exist. */
  async describe(nameOrArn: string, notFoundType = 'ResourceNotFoundException'): Promise<TableInfo> {
    const name = tableName(nameOrArn);
    const known = this.info.get(name);
    if (known) return known;
    let table: { TableArn?: string; TableId?: string; KeySchema?: Array<{ AttributeName: string; KeyType: string }> };
    try {
      ({ Table: table } = await this.upstream.call<{ Table: typeof table }>('DescribeTable', { TableName: name }));
    } catch (error) {
      if (error instanceof DynamoDbError && error.type === 'ResourceNotFoundException')
        throw new DynamoDbError(notFoundType, `Table not found: ${nameOrArn}`);
      throw error;
    }
    const keySchema = table.KeySchema ?? [];
    const described: TableInfo = {
      name,
      arn: table.TableArn ?? `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
      id: table.TableId ?? name,
      keyNames: [...keySchema].sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0)).map((k) => k.AttributeName),
    };
    this.info.set(name, described);
    return described;
  }

  /** A deleted table loses its PITR history, as on AWS. */
  forget(name: string): void {
    this.info.delete(name);
    this.pitr.delete(name);
  }

  /** The change log of a table with PITR enabled, else undefined (its writes are not recorded). */
  log(name: string): ChangeLog | undefined {
    return this.pitr.get(name)?.log;
  }

  get anyRecorded(): boolean {
    return this.pitr.size > 0;
  }

  setPitr(name: string, enabled: boolean, at: Date, recoveryPeriodInDays = 35): void {
    if (!enabled) this.pitr.delete(name);
    else {
      const state = this.pitr.get(name);
      if (state) state.recoveryPeriodInDays = recoveryPeriodInDays;
      else this.pitr.set(name, { enabledAt: at, recoveryPeriodInDays, log: new ChangeLog() });
    }
  }

  /** The earliest time an export may name; undefined when PITR is off. */
  earliestRestorable(name: string, now: Date): Date | undefined {
    const state = this.pitr.get(name);
    if (!state) return undefined;
    return new Date(Math.max(state.enabledAt.getTime(), now.getTime() - state.recoveryPeriodInDays * DAY_MS));
  }

  /** DescribeContinuousBackups' answer. */
  continuousBackups(name: string, now: Date): Record<string, unknown> {
    const state = this.pitr.get(name);
    const earliest = this.earliestRestorable(name, now);
    return {
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: state
          ? {
              PointInTimeRecoveryStatus: 'ENABLED',
              RecoveryPeriodInDays: state.recoveryPeriodInDays,
              EarliestRestorableDateTime: (earliest as Date).getTime() / 1000,
              LatestRestorableDateTime: now.getTime() / 1000,
            }
          : { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    };
  }
}

export function tableName(nameOrArn: string): string {
  const at = nameOrArn.indexOf(':table/');
  return at === -1 ? nameOrArn : (nameOrArn.slice(at + ':table/'.length).split('/')[0] as string);
}
