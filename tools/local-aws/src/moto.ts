import { execFileSync } from 'node:child_process';
import { answersHttp, startChildService, type ChildService } from './child-service.js';
import { freePort } from './free-port.js';

export interface MotoServer extends ChildService {
  /** Serves S3 and Glue (and every other moto service) on one port. */
  readonly endpoint: string;
}

export const MOTO_MISSING =
  'moto_server was not found. The local AWS stack uses moto (Python) for S3 and Glue: install it with pip install "moto[server]" (moto 5.2 is known to work).';

export function motoAvailable(command = process.env['MOTO_SERVER'] ?? 'moto_server'): boolean {
  try {
    execFileSync(command, ['--help'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** Starts `moto_server` on loopback. State lives in the process: stopping it forgets everything. */
export async function startMoto(options: { port?: number; command?: string } = {}): Promise<MotoServer> {
  const command = options.command ?? process.env['MOTO_SERVER'] ?? 'moto_server';
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  let service: ChildService;
  try {
    service = await startChildService(command, ['-H', '127.0.0.1', '-p', String(port)], {
      name: 'moto_server',
      ready: () => answersHttp(`${endpoint}/moto-api/`),
      // Python imports moto's every service first: ~2 s on an idle machine, 11-20+ s seen on a loaded 2-core one.
      timeoutMs: 60_000,
    });
  } catch (error) {
    if (String(error).includes('ENOENT')) throw new Error(MOTO_MISSING);
    throw error;
  }
  return { ...service, endpoint, stop: () => service.stop() };
}
