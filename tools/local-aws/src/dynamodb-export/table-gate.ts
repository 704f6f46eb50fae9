/**
 * Writes to a table share it; an export's read of the table holds it alone, so the scan and the
 * change log it corrects with describe the same moment (a write half applied - stored upstream but
 * not yet logged - would otherwise leak into a snapshot). Writes wait while an export reads.
 */
export class TableGate {
  private readonly exclusive = new Map<string, Promise<void>>();
  private readonly active = new Map<string, Set<Promise<unknown>>>();

  async shared<T>(table: string, work: () => Promise<T>): Promise<T> {
    for (let held = this.exclusive.get(table); held; held = this.exclusive.get(table)) await held;
    const running = work();
    const set = this.active.get(table) ?? new Set();
    this.active.set(table, set);
    set.add(running);
    try {
      return await running;
    } finally {
      set.delete(running);
    }
  }

  async alone<T>(table: string, work: () => Promise<T>): Promise<T> {
    for (let held = this.exclusive.get(table); held; held = this.exclusive.get(table)) await held;
    let release!: () => void;
    this.exclusive.set(table, new Promise<void>((resolve) => (release = resolve)));
    try {
      await Promise.allSettled([...(this.active.get(table) ?? [])]);
      return await work();
    } finally {
      this.exclusive.delete(table);
      release();
    }
  }
}

/** Serializes writes to the same item, so each one's before and after images are its own. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async with<T>(ids: readonly string[], work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(ids)];
    const before = unique.map((id) => this.tails.get(id));
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const id of unique) this.tails.set(id, done);
    await Promise.all(before);
    try {
      return await work();
    } finally {
      release();
      for (const id of unique) if (this.tails.get(id) === done) this.tails.delete(id);
    }
  }
}
