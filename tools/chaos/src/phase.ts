import type { PhaseMark } from './campaign.js';

/**
 * The phase a run was in when its output ended: the furthest mark (in run order) whose message was
 * logged, else `starting`. Phases only move forward, so a message logged again later (a second
 * pass's `reading …`) does not move a run back. Pure.
 */
export function phaseAt(stdout: string, marks: readonly PhaseMark[]): string {
  let reached = -1;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: unknown;
    try {
      msg = (JSON.parse(line) as { msg?: unknown }).msg;
    } catch {
      continue; // the last line may be cut by the kill
    }
    if (typeof msg !== 'string') continue;
    marks.forEach((mark, i) => {
      if (i > reached && mark.when.test(msg)) reached = i;
    });
  }
  return marks[reached]?.phase ?? 'starting';
}
