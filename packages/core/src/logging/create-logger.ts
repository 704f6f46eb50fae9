import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { pino, type DestinationStream, type Level, type Logger, type StreamEntry } from 'pino';
import type Pretty from 'pino-pretty';
import { redact, redactText } from './redact.js';

const require = createRequire(import.meta.url);

export type { Logger } from 'pino';
export type LogLevel = Level;

export interface LoggerOptions {
  runId: string;
  jobName: string;
  level?: LogLevel;
  /** Human-readable lines instead of JSON (the job runner turns this on when stdout is a TTY). */
  pretty?: boolean;
  /** Where lines go; stdout by default. */
  destination?: Writable | DestinationStream;
  /** Extra copies of every line, e.g. the run's log spool that is exported at the end. */
  copies?: DestinationStream[];
}

/**
 * A pino logger whose every line carries `runId` and `job`, and where secrets never reach any output:
 * both structured fields and message text pass through `redact`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const main: DestinationStream = options.pretty
    ? // Loaded only for a terminal: JSON lines (containers, CI, tests) never need it.
      (require('pino-pretty') as typeof Pretty)({
        colorize: true,
        sync: true,
        destination: options.destination ?? 1,
        ignore: 'pid,hostname',
      })
    : ((options.destination as DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }));
  const streams: StreamEntry[] = [{ level, stream: main }, ...(options.copies ?? []).map((stream) => ({ level, stream }))];
  return pino(
    {
      level,
      base: { runId: options.runId, job: options.jobName },
      timestamp: pino.stdTimeFunctions.isoTime,
      // `redact` already turned errors into plain objects; pino's own serializer would rename their type.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    pino.multistream(streams, { dedupe: false }),
  );
}
