import type { Writable } from 'node:stream';
import type { RunContext } from './context.js';

export interface ProgressOptions {
  /** How often a TTY line is redrawn. */
  ttyIntervalMs?: number;
  /** How often a `progress` log line is written when stderr is not a TTY (Batch, CI). */
  logIntervalMs?: number;
}

/** Rows, bytes, rate and elapsed time: redrawn on stderr when it is a terminal, else logged now and then. */
export function startProgress(ctx: RunContext, stderr: Writable & { isTTY?: boolean }, options: ProgressOptions = {}): () => void {
  const started = ctx.clock.monotonicMs();
  const snapshot = () => {
    const totals = ctx.counters.totals();
    const seconds = Math.max(0.001, (ctx.clock.monotonicMs() - started) / 1000);
    return { ...totals, seconds, bytesPerSecond: totals.bytesIn / seconds, rowsPerSecond: totals.rowsRead / seconds };
  };
  if (stderr.isTTY) {
    const timer = setInterval(() => stderr.write(`\r\x1b[2K${formatProgress(snapshot())}`), options.ttyIntervalMs ?? 500);
    timer.unref();
    return () => {
      clearInterval(timer);
      stderr.write('\r\x1b[2K');
    };
  }
  const timer = setInterval(() => ctx.logger.info({ progress: snapshot() }, 'progress'), options.logIntervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

export function formatProgress(p: {
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  bytesIn: number;
  seconds: number;
  bytesPerSecond: number;
  rowsPerSecond: number;
}): string {
  const parts = [
    `${p.rowsRead.toLocaleString('en-US')} rows read`,
    `${p.rowsWritten.toLocaleString('en-US')} written`,
    ...(p.rowsRejected > 0 ? [`${p.rowsRejected.toLocaleString('en-US')} rejected`] : []),
    ...(p.bytesIn > 0
      ? [`${formatBytes(p.bytesIn)} (${formatBytes(p.bytesPerSecond)}/s)`]
      : [`${Math.round(p.rowsPerSecond).toLocaleString('en-US')} rows/s`]),
    formatDuration(p.seconds),
  ];
  return `▸ ${parts.join(' · ')}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}
