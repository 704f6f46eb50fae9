/**
 * `npx nx run local-aws:serve` (or `node tools/local-aws/dist/serve.mjs`): starts the local AWS stack,
 * prints `AWS_ENDPOINT_URL_<SERVICE>=…` lines, the credentials, then `ready`, and runs until SIGINT or
 * SIGTERM. `eval "$(… | grep =)"`-friendly: every line but the last is `NAME=value`.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ALL_SERVICES, startLocalAws, type LocalService } from './local-aws.js';
import { MOTO_MISSING } from './moto.js';

const usage = `usage: serve [--data-dir DIR] [--warehouse pglite|postgres] [--dynamodb dynalite|dynamodb-local]
             [--services s3,dynamodb,redshift-data,glue]
             [--fail-rate 0.05 --fail-seed 7 --fail-services s3,dynamodb] [--latency-ms 20]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

function services(value: string | undefined, fallback: readonly LocalService[]): LocalService[] {
  if (value === undefined) return [...fallback];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !ALL_SERVICES.includes(n as LocalService));
  if (unknown.length > 0) fail(`unknown service(s): ${unknown.join(', ')} (known: ${ALL_SERVICES.join(', ')})`);
  return names as LocalService[];
}

// The stack's SDK clients are pinned for Node 20 on purpose (see README); skip their upgrade notice.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// A closed reader (`serve | head -1`) must not crash the stack and orphan its children.
process.stdout.on('error', () => undefined);

let values;
try {
  ({ values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: '.local/aws' },
      warehouse: { type: 'string', default: 'pglite' },
      dynamodb: { type: 'string', default: 'dynalite' },
      services: { type: 'string' },
      'fail-rate': { type: 'string' },
      'fail-seed': { type: 'string', default: '1' },
      'fail-services': { type: 'string' },
      'latency-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (values.warehouse !== 'pglite' && values.warehouse !== 'postgres')
  fail(`--warehouse must be pglite or postgres, got ${values.warehouse}`);
if (values.dynamodb !== 'dynalite' && values.dynamodb !== 'dynamodb-local')
  fail(`--dynamodb must be dynalite or dynamodb-local, got ${values.dynamodb}`);
const failRate = values['fail-rate'] === undefined ? undefined : Number(values['fail-rate']);
if (failRate !== undefined && !(failRate >= 0 && failRate <= 1)) fail(`--fail-rate must be between 0 and 1, got ${values['fail-rate']}`);
const latencyMs = values['latency-ms'] === undefined ? undefined : Number(values['latency-ms']);
const started = services(values.services, ALL_SERVICES);

try {
  const stack = await startLocalAws({
    services: started,
    dataDir: resolve(values['data-dir']),
    warehouse: values.warehouse,
    dynamodb: values.dynamodb,
    ...(failRate !== undefined || latencyMs !== undefined
      ? {
          faults: {
            failRate: failRate ?? 0,
            seed: Number(values['fail-seed']),
            ...(latencyMs !== undefined ? { latencyMs } : {}),
            services: services(values['fail-services'], started),
          },
        }
      : {}),
  });
  for (const [name, value] of Object.entries(stack.env)) process.stdout.write(`${name}=${value}\n`);
  process.stdout.write('ready\n');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    // A stand-in may complain while it goes down (a dropped connection); finish stopping the rest.
    process.on('uncaughtException', (error) => process.stderr.write(`while stopping: ${error.stack ?? error.message}\n`));
    process.on('unhandledRejection', (error) => process.stderr.write(`while stopping: ${String((error as Error)?.stack ?? error)}\n`));
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`local AWS stack did not stop cleanly: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const message = (error as Error).message;
  process.stderr.write(`local AWS stack failed to start: ${message === MOTO_MISSING ? message : ((error as Error).stack ?? message)}\n`);
  process.exit(1);
}
