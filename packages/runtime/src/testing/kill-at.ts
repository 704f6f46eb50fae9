import { createObjectStore, type ObjectStore } from '@etl/object-store';
import type { ArgsShape } from '../job-config.js';
import type { JobDefinition } from '../define-job.js';
import { runJob } from '../run-job.js';

/**
 * Runs a job as `main` does, but kills its own process outright (SIGKILL: no cleanup, no signal
 * handler) the moment the job calls `KILL_OP` (`get`, `put`, … of its object store; default `put`)
 * on an object whose URI matches the regular expression `KILL_AT`: an instance lost at an exact
 * point of a run. With `KILL_AFTER`, only once a `put` of an object matching it has completed (e.g.
 * a registration's read of a manifest, after the publish wrote it). For kill specs, which bundle a
 * one-line harness calling this.
 */
export async function runJobKilledAt<S extends ArgsShape>(job: JobDefinition<S>): Promise<void> {
  const pattern = process.env['KILL_AT'] ? new RegExp(process.env['KILL_AT']) : undefined;
  const operation = process.env['KILL_OP'] ?? 'put';
  const after = process.env['KILL_AFTER'] ? new RegExp(process.env['KILL_AFTER']) : undefined;
  let armed = after === undefined;
  const store = createObjectStore({ env: process.env });
  const objects = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const uri = typeof args[0] === 'string' ? args[0] : undefined;
        if (armed && pattern && property === operation && uri !== undefined && pattern.test(uri)) process.kill(process.pid, 'SIGKILL');
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!armed && after && property === 'put' && uri !== undefined && after.test(uri))
          void Promise.resolve(result).then(() => (armed = true));
        return result;
      };
    },
  }) as ObjectStore;
  process.exitCode = await runJob(job, {
    argv: process.argv.slice(2),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    objects,
  });
}
