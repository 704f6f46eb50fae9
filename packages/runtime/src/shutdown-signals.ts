import type { Logger } from '@etl/core';

/**
 * First SIGINT/SIGTERM (Ctrl-C, `docker stop`, AWS Batch termination): abort the run cleanly, so
 * uploads are aborted and no state advances. A second one exits at once.
 */
export function handleShutdownSignals(
  controller: AbortController,
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) {
      logger.warn({ signal }, `received ${signal}: stopping the run and aborting uploads in flight (send it again to exit at once)`);
      controller.abort(Object.assign(new Error(`run stopped by ${signal}`), { name: 'AbortError', code: 'ABORT_ERR' }));
      return;
    }
    logger.error({ signal }, `received ${signal} again: exiting now`);
    exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
