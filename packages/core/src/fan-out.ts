import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';

/**
 * Writes every chunk to several writables (DynamoDB and Parquet in one pass) and waits for all of them:
 * the slowest target sets the pace, so no target buffers unboundedly. One failing target fails all.
 * At the end the targets commit in the order given, each after the one before finished: put the
 * destination whose failure must stop the others first.
 */
export function fanOut(targets: readonly Writable[], options: { highWaterMark?: number } = {}): Writable {
  if (targets.length === 0) throw new RangeError('fanOut needs at least one target');
  const fan: Writable = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 1,
    write(chunk: unknown, _encoding, callback) {
      let waiting = targets.length;
      let failed = false;
      const done = (error?: Error | null) => {
        if (failed) return;
        if (error) {
          failed = true;
          return callback(error);
        }
        if (--waiting === 0) callback();
      };
      for (const target of targets) {
        if (target.write(chunk)) done();
        else target.once('drain', () => done());
      }
    },
    final(callback) {
      // In order, each after the one before has committed: a later target (a Parquet file) is never
      // published when an earlier one (the DynamoDB writes) failed at its end; a failure destroys the rest.
      const commit = async () => {
        for (const target of targets) {
          target.end();
          await finished(target);
        }
      };
      commit().then(() => callback(), callback);
    },
    destroy(error, callback) {
      for (const target of targets) if (!target.destroyed) target.destroy(error ?? undefined);
      // allSettled never rejects: the callback always runs, once every target has closed.
      void Promise.allSettled(targets.map((t) => finished(t))).then(() => callback(error));
    },
  });
  for (const target of targets) target.once('error', (error) => fan.destroy(error));
  return fan;
}
