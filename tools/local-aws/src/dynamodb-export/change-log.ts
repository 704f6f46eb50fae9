/**
 * What point-in-time recovery keeps for a table, as far as exports need it: every write with its
 * time, the item before and after. Pure: the front records writes here, exports read from it.
 */

/** An item or key on the wire, in DynamoDB JSON (`{ "n": { "N": "1.5" } }`), never unmarshalled. */
export type WireItem = Record<string, unknown>;

export interface Change {
  /** Stable identity of the item's key (`keyId`). */
  readonly id: string;
  readonly keys: WireItem;
  readonly oldImage: WireItem | undefined;
  readonly newImage: WireItem | undefined;
  /** When the write was applied, microseconds since the epoch, strictly increasing within one log. */
  readonly micros: bigint;
}

/** One item's net change over a window, as an incremental export reports it (compacted). */
export interface WindowChange {
  readonly keys: WireItem;
  /** The item just before the window; undefined when it did not exist. */
  readonly oldImage: WireItem | undefined;
  /** The item at the window's end; undefined when it was deleted. */
  readonly newImage: WireItem | undefined;
  /** Time of the item's last write in the window. */
  readonly micros: bigint;
}

/** The key attributes of `item` as one string: the same key gives the same id whatever else the item holds. */
export function keyId(keyNames: readonly string[], item: WireItem): string {
  return JSON.stringify(keyNames.map((name) => item[name] ?? null));
}

export function keysOf(keyNames: readonly string[], item: WireItem): WireItem {
  return Object.fromEntries(keyNames.map((name) => [name, item[name]]));
}

export const toMicros = (at: Date): bigint => BigInt(at.getTime()) * 1000n;

/** The writes of one table, in the order they were applied. Memory: every change since PITR was enabled. */
export class ChangeLog {
  private readonly changes: Change[] = [];
  private last = 0n;

  record(change: Omit<Change, 'micros'>, at: Date): Change {
    // Writes applied in the same millisecond still get distinct, ordered timestamps.
    const micros = toMicros(at) > this.last ? toMicros(at) : this.last + 1n;
    this.last = micros;
    const recorded = { ...change, micros };
    this.changes.push(recorded);
    return recorded;
  }

  get size(): number {
    return this.changes.length;
  }

  /** For each item written after `at`: the first such write (its old image is the item as of `at`). */
  firstChangesAfter(at: Date): Map<string, Change> {
    const after = toMicros(at);
    const first = new Map<string, Change>();
    for (const change of this.changes) if (change.micros > after && !first.has(change.id)) first.set(change.id, change);
    return first;
  }

  /**
   * The net change of every item written in [from, to): the item before the window and at its end.
   * An item created and deleted inside the window is left out, as AWS's compacted incremental export does.
   */
  window(from: Date, to: Date): WindowChange[] {
    const start = toMicros(from);
    const end = toMicros(to);
    const net = new Map<string, { keys: WireItem; oldImage: WireItem | undefined; newImage: WireItem | undefined; micros: bigint }>();
    for (const change of this.changes) {
      if (change.micros < start || change.micros >= end) continue;
      const seen = net.get(change.id);
      if (seen) {
        seen.newImage = change.newImage;
        seen.micros = change.micros;
      } else net.set(change.id, { keys: change.keys, oldImage: change.oldImage, newImage: change.newImage, micros: change.micros });
    }
    return [...net.values()].filter((c) => c.oldImage !== undefined || c.newImage !== undefined);
  }
}
