import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export interface ChildService {
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

// Children live in their own process group (`detached`), so stopping one also stops what it spawned
// (the pyenv shim's python, the JVM). If this process exits first, take the groups down with it.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Starts a server process and waits until `ready()` says it answers. */
export async function startChildService(
  command: string,
  args: readonly string[],
  options: { name: string; ready: () => Promise<boolean>; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<ChildService> {
  const spawnOptions: SpawnOptions = {
    // moto blocks once a stderr pipe fills, so its output is not piped at all.
    stdio: 'ignore',
    detached: true,
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  const child = spawn(command, args, spawnOptions);
  running.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start ${command}: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`${options.name} exited early (code ${code}, signal ${signal})`));
  });
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let early: string | undefined;
  void exited.then((reason) => (early = reason));
  while (!(await options.ready().catch(() => false))) {
    if (early !== undefined) {
      running.delete(child);
      throw new Error(early);
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      running.delete(child);
      throw new Error(`${options.name} did not become ready within ${options.timeoutMs ?? 15_000} ms`);
    }
    await delay(100);
  }
  return {
    pid: child.pid ?? -1,
    async stop() {
      if (!running.has(child)) return;
      killGroup(child, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), delay(3000).then(() => false)]);
      if (!stopped) killGroup(child, 'SIGKILL');
      running.delete(child);
    },
  };
}

/** True once anything answers HTTP on the URL. */
export async function answersHttp(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
