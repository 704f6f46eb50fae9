import type { RunContext } from './context.js';
import type { ComponentMetrics } from './counters.js';
import type { RecordError } from './errors.js';

/**
 * Sends record errors to the run's rejects output in order, naming the component that rejected them
 * and counting them on it; awaits the output's backpressure. Every component that rejects uses this.
 */
export async function writeRejects(
  ctx: RunContext,
  metrics: ComponentMetrics,
  componentName: string,
  errors: Iterable<RecordError>,
): Promise<void> {
  for (const error of errors) {
    error.stage ??= componentName;
    metrics.rejected++;
    await ctx.rejects.write(error);
  }
}
