import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './campaigns.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set of the process (VmHWM, sampled while it ran), bytes; 0 when /proc is not there. */
  peakRss: number;
}

export interface Started {
  child: ChildProcess;
  done: Promise<Finished>;
  stdout(): string;
  /** Resolves true once a complete line of its stdout matches `pattern`, false if the process ends first. */
  logged(pattern: RegExp): Promise<boolean>;
}

/** The command a pipeline's image runs: `node pipelines/<pipeline>/dist/main.mjs` (built by its `bundle` target). */
export function bundledMain(pipeline: string): string {
  return join(repoRoot, 'pipelines', pipeline, 'dist', 'main.mjs');
}

/**
 * Starts a bundled entry point as its own process, the way a container would, with only the given
 * environment (plus PATH and HOME). Peak RSS is sampled from /proc every 50 ms (VmHWM is the
 * kernel's own high-water mark, so a sample after the peak still sees it).
 */
export function startBundled(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string>> },
): Started {
  const child = spawn(process.execPath, [file, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let peakRss = 0;
  const waiting = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const check of waiting) check();
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const sample = () => (peakRss = Math.max(peakRss, highWaterMark(child.pid)));
  const sampler = setInterval(sample, 50);
  const done = new Promise<Finished>((resolve) =>
    child.once('close', (code, signal) => {
      clearInterval(sampler);
      resolve({ code, signal, stdout, stderr, peakRss });
    }),
  );
  child.once('exit', sample);
  const logged = (pattern: RegExp) =>
    new Promise<boolean>((resolve) => {
      /** Complete lines before this offset did not match: each line is tested once. */
      let scanned = 0;
      const check = () => {
        const end = stdout.lastIndexOf('\n') + 1;
        if (end <= scanned) return;
        const matched = stdout
          .slice(scanned, end)
          .split('\n')
          .some((line) => pattern.test(line));
        scanned = end;
        if (!matched) return;
        waiting.delete(check);
        resolve(true);
      };
      waiting.add(check);
      check();
      void done.then(() => {
        waiting.delete(check);
        resolve(false);
      });
    });
  return { child, done, stdout: () => stdout, logged };
}

/** VmHWM of a process in bytes (0 once it is gone or without /proc). */
function highWaterMark(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
