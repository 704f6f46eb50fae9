/**
 * Runs the job as `main` does, but kills its own process outright (SIGKILL: no cleanup, no signal
 * handler) the moment the job calls `KILL_OP` (`get` or `put`) on an object whose URI matches
 * `KILL_AT`: an instance lost at an exact point of a run. With `KILL_AFTER`, only once a `put` on an
 * object matching it has been done (the registration's read of a manifest, after the publish wrote
 * it). For the kill specs only (bundled by them).
 */
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { catalogCdcJob } from './job.js';

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

process.exitCode = await runJob(catalogCdcJob, {
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  objects,
});
