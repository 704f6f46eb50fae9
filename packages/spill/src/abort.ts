import { TerminalError } from '@etl/core';

/** Throws the signal's reason (a run stopped by a signal, too many rejects …) once it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw signal.reason instanceof Error ? signal.reason : new TerminalError('ABORTED', 'stopped: the operation was aborted');
}
