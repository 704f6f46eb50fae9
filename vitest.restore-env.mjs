import { afterAll } from 'vitest';

/**
 * Spec files share a worker (`isolate: false` in vitest.shared.mjs), so one that points the AWS SDK at
 * its local stack (`Object.assign(process.env, stack.env)`) must not leave the next file talking to a
 * stack that has stopped: each file gets back the environment it started with.
 */
const saved = { ...process.env };
afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});
