/**
 * Runs the job as `main` does, but kills its own process outright (SIGKILL: no cleanup, no signal
 * handler) the moment the job calls `KILL_OP` (`get` or `put`) on an object whose URI matches
 * `KILL_AT`: an instance lost at an exact point of a run. For the kill specs only (bundled by them).
 */
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { catalogJoinJob } from './job.js';

const pattern = process.env['KILL_AT'] ? new RegExp(process.env['KILL_AT']) : undefined;
const operation = process.env['KILL_OP'] ?? 'put';
const store = createObjectStore({ env: process.env });
const objects = new Proxy(store, {
  get(target, property, receiver) {
    const value: unknown = Reflect.get(target, property, receiver);
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) => {
      if (pattern && property === operation && typeof args[0] === 'string' && pattern.test(args[0])) process.kill(process.pid, 'SIGKILL');
      return (value as (...a: unknown[]) => unknown).apply(target, args);
    };
  },
}) as ObjectStore;

process.exitCode = await runJob(catalogJoinJob, {
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  objects,
});
